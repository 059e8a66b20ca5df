import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pipeline } from 'stream/promises';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { DataSource } from 'typeorm';
import type { KafkaMessage } from 'kafkajs';
import { EVENT_REGISTRY, parseEvent } from '@cep/contracts';
import { checkpointName, type Projection } from '@cep/messaging';
import type { BenchInfra } from './infra';
import { totalMessages } from './infra';
import { sleep } from './stats';

export interface RateRun {
  messages: number;
  seconds: number;
  eventsPerSec: number;
}

/**
 * B_drain: a kafkajs `eachBatch` consumer (fresh group, from the beginning) that only counts and resolves offsets:
 * what the broker and client can deliver on this machine, with no parsing and no database.
 */
export async function drainBaseline(infra: BenchInfra, topics: readonly string[], name: string): Promise<RateRun> {
  const { messages, first, last } = await drainTopics(infra, topics, `drain.${name}`);
  const seconds = Math.max(0.001, (last - first) / 1000);
  return { messages, seconds, eventsPerSec: messages / seconds };
}

/**
 * Consumes `topics` from the beginning to their current end with a fresh group (`bench.<run>.<group>`), handing each
 * batch to `onBatch` (if any); returns the message count and the times of the first and last batch.
 */
async function drainTopics(
  infra: BenchInfra,
  topics: readonly string[],
  group: string,
  onBatch?: (messages: readonly KafkaMessage[]) => Promise<void>,
): Promise<{ messages: number; first: number; last: number }> {
  const target = await totalMessages(infra.kafka, topics);
  const consumer = infra.kafka.consumer({ groupId: `bench.${infra.runId}.${group}`, maxBytesPerPartition: 1048576, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [...topics], fromBeginning: true });
  let count = 0;
  let first = 0;
  let last = 0;
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch, resolveOffset }) => {
      if (!first) first = Date.now();
      if (onBatch) await onBatch(batch.messages);
      count += batch.messages.length;
      if (batch.messages.length) resolveOffset(batch.messages[batch.messages.length - 1].offset);
      last = Date.now();
    },
  });
  const deadline = Date.now() + 1800000;
  while (count < target) {
    if (Date.now() > deadline) throw new Error(`drain of ${group} did not finish (${count}/${target})`);
    await sleep(20);
  }
  await consumer.disconnect();
  return { messages: count, first, last };
}

/**
 * The contrast: a naive projector that consumes with `eachMessage` and applies each event in its own transaction
 * (apply + checkpoint upsert + commit), stopped after `limit` messages. Writes the same read-model tables, so the
 * caller resets them afterwards.
 */
export async function naiveProjector(infra: BenchInfra, ds: DataSource, projection: Projection, limit: number): Promise<RateRun> {
  const cp = checkpointName(projection);
  const handles = new Set(projection.handles);
  const consumer = infra.kafka.consumer({ groupId: `bench.${infra.runId}.naive.${projection.name}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [...projection.topics], fromBeginning: true });
  let count = 0;
  let first = 0;
  let last = 0;
  let failure: unknown;
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ topic, partition, message }) => {
      if (count >= limit || failure) return;
      if (!first) first = Date.now();
      const r = parseEvent(message.value, EVENT_REGISTRY);
      const tx = ds.createQueryRunner();
      await tx.connect();
      try {
        await tx.startTransaction();
        if (r.ok && handles.has(r.event.type)) {
          if (projection.dedupe === 'runner') {
            await tx.query(`INSERT INTO projection.processed_events (projection, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [projection.name, r.event.id]);
          }
          await projection.apply([r.event], { tx, topic, partition });
        }
        await tx.query(
          `INSERT INTO projection.checkpoints (projection, topic, partition, next_offset) VALUES ($1, $2, $3, $4)
           ON CONFLICT (projection, topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset, updated_at = now()`,
          [cp, topic, partition, (BigInt(message.offset) + 1n).toString()],
        );
        await tx.commitTransaction();
      } catch (err) {
        failure = err;
        if (tx.isTransactionActive) await tx.rollbackTransaction().catch(() => undefined);
      } finally {
        await tx.release();
      }
      count++;
      last = Date.now();
    },
  });
  const deadline = Date.now() + 1800000;
  while (count < limit && !failure) {
    if (Date.now() > deadline) break;
    await sleep(20);
  }
  await consumer.disconnect();
  if (failure) throw failure;
  const seconds = Math.max(0.001, (last - first) / 1000);
  return { messages: count, seconds, eventsPerSec: count / seconds };
}

export interface CopyRun {
  rows: number;
  bytes: number;
  seconds: number;
  tables: string[];
}

/**
 * B_copy: the rows the projector produced (every table of its schema), exported with COPY TO to a temp file, then
 * timed: COPY FROM into fresh tables created `LIKE ... INCLUDING ALL` (same columns, defaults, constraints and
 * indexes) in a scratch schema. This is the cost of just writing those rows, with the same index maintenance.
 */
export async function copyBaseline(infra: BenchInfra, schema: string): Promise<CopyRun> {
  const tables = (
    await infra.pool.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = $1 ORDER BY 1`, [schema])
  ).rows.map((r) => r.t);
  const scratch = `bench_copy_${schema}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cep-bench-copy-'));
  const client = await infra.pool.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${scratch} CASCADE`);
    await client.query(`CREATE SCHEMA ${scratch}`);
    let rows = 0;
    let bytes = 0;
    for (const t of tables) {
      await client.query(`CREATE TABLE ${scratch}."${t}" (LIKE ${schema}."${t}" INCLUDING ALL)`);
      await pipeline(client.query(copyTo(`COPY ${schema}."${t}" TO STDOUT`)), fs.createWriteStream(path.join(dir, t)));
      bytes += fs.statSync(path.join(dir, t)).size;
    }
    const t0 = process.hrtime.bigint();
    await client.query('BEGIN');
    for (const t of tables) {
      const stream = client.query(copyFrom(`COPY ${scratch}."${t}" FROM STDIN`));
      await pipeline(fs.createReadStream(path.join(dir, t), { highWaterMark: 1 << 20 }), stream);
      rows += Number((stream as unknown as { rowCount?: number }).rowCount ?? 0);
    }
    await client.query('COMMIT');
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    await client.query(`DROP SCHEMA ${scratch} CASCADE`);
    return { rows, bytes, seconds, tables };
  } finally {
    client.release();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export interface SqlBuildRun {
  /** Raw events loaded (every message on the projection's topics). */
  messages: number;
  /** COPY of the raw events + the set-based build, one transaction. */
  seconds: number;
  /** Rows the SQL build produced. */
  rows: number;
  /** Rows in one table and not the other (both ways): 0 when the SQL build equals the projector's model. */
  differences: number;
}

/**
 * B_sql for reports: the same read model built set-based from the raw events. The raw messages of the topics are
 * drained (untimed) to a file; then, timed in one transaction: COPY of the raw events into a table and one
 * `INSERT ... SELECT` that dedupes by event id, maps the event types to report operations, counts per UTC day and
 * 15-minute bucket and writes the cumulative arrays into a fresh table `LIKE reports.daily_counts INCLUDING ALL`.
 * Finally the result is compared with the projector's `reports.daily_counts` both ways.
 */
export async function reportsSqlBaseline(infra: BenchInfra, topics: readonly string[], operations: Readonly<Record<string, string>>): Promise<SqlBuildRun> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cep-bench-sql-'));
  const file = path.join(dir, 'raw');
  const out = fs.createWriteStream(file, { highWaterMark: 1 << 20 });
  const { messages: count } = await drainTopics(infra, topics, `raw.${Date.now()}`, async (messages) => {
    // COPY text format: one JSON document per line; backslashes doubled (JSON.stringify leaves no raw tabs/newlines)
    const text = messages.map((m) => (m.value ? m.value.toString('utf8').replace(/\\/g, '\\\\') : '')).filter(Boolean).join('\n');
    if (text && !out.write(text + '\n')) await new Promise<void>((r) => out.once('drain', () => r()));
  });
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));

  const scratch = 'bench_sql_reports';
  const client = await infra.pool.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${scratch} CASCADE`);
    await client.query(`CREATE SCHEMA ${scratch}`);
    await client.query(`CREATE TABLE ${scratch}.raw (doc jsonb NOT NULL)`);
    await client.query(`CREATE TABLE ${scratch}.daily_counts (LIKE reports.daily_counts INCLUDING ALL)`);
    const t0 = process.hrtime.bigint();
    await client.query('BEGIN');
    await pipeline(fs.createReadStream(file, { highWaterMark: 1 << 20 }), client.query(copyFrom(`COPY ${scratch}.raw (doc) FROM STDIN`)));
    const types = Object.keys(operations);
    const ins = await client.query(
      `INSERT INTO ${scratch}.daily_counts (organisation_id, day, operation, profile, credential_type, cum)
       WITH ev AS (
         SELECT DISTINCT ON (r.doc->>'id') coalesce(r.doc->>'organisationid', r.doc->>'organisationId') AS org, (r.doc->>'time')::timestamptz AT TIME ZONE 'UTC' AS t, m.op,
                r.doc->'data'->>'profile' AS profile,
                CASE WHEN m.op = 'issued' THEN coalesce(r.doc->'data'->>'credentialType', '') ELSE '' END AS ct
           FROM ${scratch}.raw r JOIN unnest($1::text[], $2::text[]) AS m(type, op) ON m.type = r.doc->>'type'
          ORDER BY r.doc->>'id'
       ), b AS (
         SELECT org, t::date AS day, op, profile, ct, floor(extract(epoch FROM t - date_trunc('day', t)) / 900)::int AS bucket, count(*) AS n
           FROM ev GROUP BY 1, 2, 3, 4, 5, 6
       ), k AS (
         SELECT org, day, op, profile, ct, array_agg(bucket) AS bs, array_agg(n) AS ns FROM b GROUP BY 1, 2, 3, 4, 5
       )
       SELECT org, day, op, profile, ct,
              ARRAY(SELECT sum(coalesce(k.ns[array_position(k.bs, i)], 0)) OVER (ORDER BY i) FROM generate_series(0, 95) AS i ORDER BY i)::bigint[]
         FROM k`,
      [types, types.map((t) => operations[t])],
    );
    await client.query('COMMIT');
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const cols = 'organisation_id, day, operation, profile, credential_type, cum';
    const {
      rows: [{ n }],
    } = await client.query(
      `SELECT ((SELECT count(*) FROM (SELECT ${cols} FROM ${scratch}.daily_counts EXCEPT SELECT ${cols} FROM reports.daily_counts) a) +
               (SELECT count(*) FROM (SELECT ${cols} FROM reports.daily_counts EXCEPT SELECT ${cols} FROM ${scratch}.daily_counts) b))::int AS n`,
    );
    await client.query(`DROP SCHEMA ${scratch} CASCADE`);
    return { messages: count, seconds, rows: ins.rowCount ?? 0, differences: n };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
