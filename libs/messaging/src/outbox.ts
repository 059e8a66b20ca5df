import { Client } from 'pg';
import type { DataSource, QueryRunner } from 'typeorm';
import type { EventEnvelope } from '@cep/contracts';
import { errorFields, failpoint, isTransientDbError, backoffMs, sleep, Logger, TRACEPARENT } from '@cep/platform';
import { traceOutboxEnqueue, traceOutboxPublish } from './outbox-tracing';
import { toOutgoingMessage, type OutgoingMessage } from './cloudevents-kafka';
import type { EventPublisher } from './event-publisher';
import type { OutboxMetrics } from './outbox-metrics';

const IDENT = /^[a-z_][a-z0-9_]*$/;
function ident(schema: string): string {
  if (!IDENT.test(schema)) throw new Error(`invalid schema name ${schema}`);
  return schema;
}

/** DDL for a producer's outbox (used by the producers' migrations). */
export function outboxDdl(schema: string): string[] {
  const s = ident(schema);
  return [
    `CREATE TABLE IF NOT EXISTS ${s}.outbox (
       position bigserial PRIMARY KEY,
       event_id uuid NOT NULL,
       topic text NOT NULL,
       msg_key text NOT NULL,
       payload text NOT NULL,
       headers jsonb NOT NULL DEFAULT '{}'::jsonb,
       created_at timestamptz NOT NULL DEFAULT now(),
       published_at timestamptz
     )`,
    `CREATE INDEX IF NOT EXISTS outbox_unpublished_idx ON ${s}.outbox (position) WHERE published_at IS NULL`,
    `CREATE INDEX IF NOT EXISTS outbox_published_at_idx ON ${s}.outbox (published_at) WHERE published_at IS NOT NULL`,
    `CREATE OR REPLACE FUNCTION ${s}.outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN PERFORM pg_notify('${s}_outbox', ''); RETURN NULL; END $$`,
    `DROP TRIGGER IF EXISTS outbox_notify_trg ON ${s}.outbox`,
    `CREATE TRIGGER outbox_notify_trg AFTER INSERT ON ${s}.outbox FOR EACH STATEMENT EXECUTE FUNCTION ${s}.outbox_notify()`,
  ];
}

/**
 * The columns added to the outbox since `outboxDdl` shipped (`OutboxTraceparent1732000120000` adds them to the
 * existing outboxes): the W3C `traceparent` of the span that wrote the row.
 */
export function outboxUpgradeDdl(schema: string): string[] {
  return [`ALTER TABLE ${ident(schema)}.outbox ADD COLUMN IF NOT EXISTS traceparent text`];
}

/** The outbox as the code uses it today: `outboxDdl` + `outboxUpgradeDdl` (new schemas: SDK producers, tests). */
export function currentOutboxDdl(schema: string): string[] {
  return [...outboxDdl(schema), ...outboxUpgradeDdl(schema)];
}

export function dropOutboxDdl(schema: string): string[] {
  const s = ident(schema);
  return [`DROP TABLE IF EXISTS ${s}.outbox`, `DROP FUNCTION IF EXISTS ${s}.outbox_notify()`];
}

/**
 * Writes outbox rows inside the caller's transaction (same transaction as the event-store append). With tracing on,
 * a `create` span (child of the active one: the HTTP request) covers the insert and each row keeps its traceparent.
 */
export async function enqueueOutbox(tx: QueryRunner, schema: string, events: EventEnvelope[]): Promise<void> {
  if (!events.length) return;
  const msgs = events.map(toOutgoingMessage);
  await traceOutboxEnqueue(schema, msgs, (traceparent) =>
    tx.query(
      `INSERT INTO ${ident(schema)}.outbox (event_id, topic, msg_key, payload, headers, traceparent)
       SELECT e, t, k, p, h, $6::text FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[]) AS x(e, t, k, p, h)`,
      [
        events.map((e) => e.id),
        msgs.map((m) => m.topic),
        msgs.map((m) => m.key),
        msgs.map((m) => m.value),
        msgs.map((m) => JSON.stringify(m.headers)),
        traceparent,
      ],
    ),
  );
}

export interface OutboxRelayOptions {
  schema: string;
  /** Connection string for the LISTEN connection and the leader lock. */
  databaseUrl: string;
  batchSize?: number;
  pollIntervalMs?: number;
  /** Published rows older than this are deleted (ms); 0 keeps them. */
  retentionMs?: number;
  logger?: Logger;
  /** Published and failed counts (the backlog gauges read the table themselves). */
  metrics?: OutboxMetrics;
}

/**
 * Publishes outbox rows in order and marks them sent. One relay per schema publishes at a time
 * (PostgreSQL advisory lock), so per-key order is kept; others stand by. A crash between publishing and
 * marking republishes those rows on restart: duplicates are possible, losses are not.
 */
export class OutboxRelay {
  private running = false;
  private loop?: Promise<void>;
  private listener?: Client;
  private wake?: () => void;
  private readonly log: Logger;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  published = 0;
  isLeader = false;
  /** The relay can reach the database (as leader publishing, or as a standby waiting for the lock). */
  healthy = false;

  constructor(
    private readonly ds: DataSource,
    private readonly publisher: EventPublisher,
    private readonly opts: OutboxRelayOptions,
  ) {
    ident(opts.schema);
    this.log = opts.logger ?? new Logger(`outbox-relay.${opts.schema}`);
    this.batchSize = opts.batchSize ?? 500;
    this.pollIntervalMs = opts.pollIntervalMs ?? 500;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.listener?.end().catch(() => undefined);
    this.listener = undefined;
  }

  private async connectListener(): Promise<void> {
    const c = new Client({ connectionString: this.opts.databaseUrl, application_name: `outbox-relay-${this.opts.schema}` });
    c.on('error', () => undefined);
    await c.connect();
    c.on('notification', () => this.wake?.());
    this.listener = c;
    this.healthy = true;
    // Leader lock: held for the life of this session.
    for (;;) {
      const r = await c.query('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [`outbox:${this.opts.schema}`]);
      if (r.rows[0].ok) break;
      if (!this.running) return;
      await sleep(1000);
    }
    this.isLeader = true;
    await c.query(`LISTEN ${this.opts.schema}_outbox`);
  }

  private async waitForWork(): Promise<void> {
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, this.pollIntervalMs);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
    this.wake = undefined;
  }

  private async run(): Promise<void> {
    let attempt = 0;
    let lastPrune = 0;
    while (this.running) {
      try {
        if (!this.listener) await this.connectListener();
        if (!this.running) break;
        const n = await this.publishBatch();
        attempt = 0;
        if (this.opts.retentionMs && Date.now() - lastPrune > 60000) {
          lastPrune = Date.now();
          await this.ds.query(`DELETE FROM ${this.opts.schema}.outbox WHERE published_at < now() - ($1::bigint * interval '1 millisecond')`, [
            this.opts.retentionMs,
          ]);
        }
        if (n < this.batchSize) await this.waitForWork();
      } catch (err) {
        this.isLeader = false;
        this.opts.metrics?.publishErrors.inc({ schema: this.opts.schema });
        // Readiness follows the database: a broker outage only delays publishing (rows wait in the outbox),
        // so the app keeps accepting commands.
        if (isTransientDbError(err)) this.healthy = false;
        await this.listener?.end().catch(() => undefined);
        this.listener = undefined;
        const delay = backoffMs(attempt++);
        this.log.warn('outbox relay error; retrying', { ...errorFields(err), transient: isTransientDbError(err), delayMs: delay });
        await sleep(delay);
      }
    }
  }

  /** Publishes one batch; returns how many rows were published. */
  async publishBatch(): Promise<number> {
    const qr = this.ds.createQueryRunner();
    await qr.connect();
    try {
      await qr.startTransaction();
      const rows: { position: string; topic: string; msg_key: string; payload: string; headers: Record<string, string>; traceparent: string | null }[] =
        await qr.query(
          `SELECT position, topic, msg_key, payload, headers, traceparent FROM ${this.opts.schema}.outbox
           WHERE published_at IS NULL ORDER BY position LIMIT $1 FOR UPDATE SKIP LOCKED`,
          [this.batchSize],
        );
      if (!rows.length) {
        await qr.commitTransaction();
        return 0;
      }
      // The row's traceparent travels as the `traceparent` header next to the ce_ headers.
      const msgs: OutgoingMessage[] = rows.map((r) => ({
        topic: r.topic,
        key: r.msg_key,
        value: r.payload,
        headers: r.traceparent ? { ...r.headers, [TRACEPARENT]: r.traceparent } : r.headers,
      }));
      await traceOutboxPublish(this.opts.schema, rows, () => this.publisher.send(msgs));
      failpoint('outbox.after-publish');
      // The acknowledgement's time (clock_timestamp), not the claim's (now(): the transaction's start, before the send).
      await qr.query(`UPDATE ${this.opts.schema}.outbox SET published_at = clock_timestamp() WHERE position = ANY($1::bigint[])`, [
        rows.map((r) => r.position),
      ]);
      await qr.commitTransaction();
      this.published += rows.length;
      this.opts.metrics?.published.inc({ schema: this.opts.schema }, rows.length);
      return rows.length;
    } catch (err) {
      if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => undefined);
      throw err;
    } finally {
      await qr.release();
    }
  }
}
