import type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { DataSource, QueryRunner } from 'typeorm';
import { deadLetterTopic, EVENT_REGISTRY, type EventEnvelope, type RejectionReason } from '@cep/contracts';
import { backoffMs, errorFields, failpoint, INPUT_LIMITS, isTransientDbError, Logger, sleep } from '@cep/platform';
import { traceBatch } from './batch-tracing';
import { deadLetterValue, decodeKafkaMessage } from './cloudevents-kafka';
import { DeadLetterRelay } from './dead-letter-relay';
import { checkpointName, type Projection } from './projection';
import { ProjectionMetrics } from './projection-metrics';
import { ensureTopics } from './topic-admin';

export type DeadLetterReason = RejectionReason | 'projection_failed';

export interface DeadLetter {
  topic: string;
  partition: number;
  offset: string;
  reason: DeadLetterReason;
  error: string;
  eventId?: string;
  eventType?: string;
  key: string | null;
  value: string | null;
}

export interface BatchRunnerOptions {
  groupId: string;
  /** Lock wait inside the batch transaction before it is retried (ms). */
  lockTimeoutMs?: number;
  maxRetries?: number;
  /** Consumer session timeout (default 6 s, the broker's minimum): a SIGKILLed member's partitions move after this. */
  sessionTimeoutMs?: number;
  /** Heartbeat period (default 1 s), also inside long batches. */
  heartbeatIntervalMs?: number;
  /** How long a rebalance waits for live members to rejoin (default 30 s). */
  rebalanceTimeoutMs?: number;
  maxBytesPerPartition?: number;
  maxWaitTimeInMs?: number;
  /**
   * Partitions applied in parallel (kafkajs `partitionsConsumedConcurrently`; default 3). Each partition's batch
   * keeps its own transaction and checkpoint row, on its own pooled connection; batches of one partition stay
   * sequential. 1 = one partition batch at a time.
   */
  partitionConcurrency?: number;
  fromBeginning?: boolean;
  /** Period of the lag poll (stored checkpoints vs topic end offsets, also while a batch is stuck); 0 disables. */
  lagPollMs?: number;
  metrics?: ProjectionMetrics;
  logger?: Logger;
  /**
   * Called when the consumer crashed and kafkajs will not restart it (retries exhausted, e.g. the broker was
   * down for minutes). Projector apps exit (gracefully) so that the orchestrator restarts them.
   */
  onFatal?: (err: unknown) => void;
}

/** Per-phase batch timings (PROJECTION_TIMINGS=1): summed and logged every 5 s, for diagnosing freshness. */
class BatchTimings {
  private sums = new Map<string, number>();
  private batches = 0;
  private messages = 0;
  private lastEnd = 0;
  private timer?: NodeJS.Timeout;
  constructor(private readonly log: Logger) {
    this.timer = setInterval(() => this.flush(), 5000);
    this.timer.unref();
  }
  add(phase: string, ms: number): void {
    this.sums.set(phase, (this.sums.get(phase) ?? 0) + ms);
  }
  batchStart(): void {
    if (this.lastEnd) this.add('between-batches', Date.now() - this.lastEnd);
  }
  batchEnd(messages: number): void {
    this.batches++;
    this.messages += messages;
    this.lastEnd = Date.now();
  }
  flush(): void {
    if (!this.batches) return;
    const per = Object.fromEntries([...this.sums].map(([k, v]) => [k, Math.round((v / this.batches) * 100) / 100]));
    this.log.warn('batch timings (ms per batch, 5 s window)', { batches: this.batches, messagesPerBatch: Math.round(this.messages / this.batches), ...per });
    this.sums.clear();
    this.batches = 0;
    this.messages = 0;
  }
}

const now = () => Number(process.hrtime.bigint()) / 1e6;

interface Parsed {
  offset: string;
  event: EventEnvelope;
}

/** The newest event time not after `nowMs` + INPUT_LIMITS.maxEventFutureSkewMs, or null when every event is later. */
export function newestPlausibleTime(events: readonly { time: string }[], nowMs: number): string | null {
  const limit = nowMs + INPUT_LIMITS.maxEventFutureSkewMs;
  let newest: string | null = null;
  for (const e of events) {
    const t = Date.parse(e.time);
    if (t <= limit && (newest === null || t > Date.parse(newest))) newest = e.time;
  }
  return newest;
}

/**
 * Consumes with kafkajs `eachBatch` (autoCommit off) and applies each batch in ONE database transaction
 * that also advances the partition checkpoint (`projection.checkpoints`, locked FOR UPDATE) and records
 * dedupe ids and dead letters. The checkpoint in the database is the source of truth: messages below it are
 * skipped, so a crash between the database commit and the Kafka commit, a rebalance to a zombie, or a
 * redelivery never applies an event twice. Kafka offsets are committed afterwards as a hint, and on
 * assignment the consumer seeks to the stored checkpoints.
 */
export class BatchProjectionRunner {
  private consumer?: Consumer;
  private dlqRelay?: DeadLetterRelay;
  private stopping = false;
  private lagTimer?: NodeJS.Timeout;
  private lagAdmin?: Admin;
  private readonly log: Logger;
  private readonly cp: string;
  private readonly handles: Set<string>;
  readonly metrics: ProjectionMetrics;
  private readonly timings?: BatchTimings;
  private readonly kafkaCommits = new Map<string, { inflight?: Promise<void>; pending?: string }>();
  joined = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly ds: DataSource,
    private readonly projection: Projection,
    private readonly opts: BatchRunnerOptions,
  ) {
    this.log = opts.logger ?? new Logger(`runner.${projection.name}`);
    this.cp = checkpointName(projection);
    this.handles = new Set(projection.handles);
    this.metrics = opts.metrics ?? new ProjectionMetrics();
    if (process.env.PROJECTION_TIMINGS === '1') this.timings = new BatchTimings(this.log);
  }

  get checkpoint(): string {
    return this.cp;
  }

  private get heartbeatMs(): number {
    return this.opts.heartbeatIntervalMs ?? 1000;
  }

  async start(): Promise<void> {
    this.stopping = false;
    // A missing dead-letter topic would hold the dead letters' copies in the table: create it up front
    // (where the principal may not create topics, the deployment's topic Job must have created it).
    await ensureTopics(this.kafka, [{ topic: deadLetterTopic(this.opts.groupId), numPartitions: 1 }]).catch((err) =>
      this.log.warn('could not ensure the dead-letter topic', { ...errorFields(err), topic: deadLetterTopic(this.opts.groupId) }),
    );
    // Dead letters are recorded in the batch transaction; this relay copies them to the topic (outbox pattern).
    this.dlqRelay = new DeadLetterRelay(this.kafka, this.ds, { groupId: this.opts.groupId, logger: this.log });
    this.dlqRelay.start();
    const consumer = this.kafka.consumer({
      groupId: this.opts.groupId,
      sessionTimeout: this.opts.sessionTimeoutMs ?? 6000,
      heartbeatInterval: this.heartbeatMs,
      rebalanceTimeout: this.opts.rebalanceTimeoutMs ?? 30000,
      maxBytesPerPartition: this.opts.maxBytesPerPartition ?? 1048576,
      maxWaitTimeInMs: this.opts.maxWaitTimeInMs ?? 100,
      allowAutoTopicCreation: false,
      retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 10000 },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      this.joined = true;
      void this.seekToCheckpoints(e.payload.memberAssignment).catch((err) =>
        this.log.warn('seek to checkpoints failed; the in-transaction checkpoint still guards', errorFields(err)),
      );
    });
    consumer.on(consumer.events.CRASH, (e) => {
      this.joined = false;
      this.log.error('consumer crashed', { error: String(e.payload.error), restart: e.payload.restart });
      if (!e.payload.restart && !this.stopping) this.opts.onFatal?.(e.payload.error);
    });
    consumer.on(consumer.events.STOP, () => (this.joined = false));
    await consumer.connect();
    await consumer.subscribe({ topics: [...this.projection.topics], fromBeginning: this.opts.fromBeginning ?? true });
    this.metrics.trackFreshness(this.projection.name, async () => {
      const rows: { t: Date | null }[] = await this.ds.query(`SELECT newest_event_time AS t FROM projection.state WHERE projection = $1`, [this.projection.name]);
      return rows[0]?.t ? new Date(rows[0].t) : null;
    });
    const lagPollMs = this.opts.lagPollMs ?? 15000;
    if (lagPollMs > 0) {
      this.lagTimer = setInterval(() => void this.pollLag().catch(() => undefined), lagPollMs);
      this.lagTimer.unref();
    }
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: Math.max(1, this.opts.partitionConcurrency ?? 3),
      // One span per batch, linked to every message's producer span (while tracing is on).
      eachBatch: (payload) => traceBatch(this.projection.name, this.opts.groupId, payload, () => this.handleBatch(payload)),
    });
  }

  /** Graceful stop: no new fetches, the batch in flight finishes or rolls back, the member leaves the group. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.lagTimer) clearInterval(this.lagTimer);
    this.lagTimer = undefined;
    await this.lagAdmin?.disconnect().catch(() => undefined);
    this.lagAdmin = undefined;
    await Promise.all([...this.kafkaCommits.values()].map((c) => c.inflight));
    await this.consumer?.disconnect().catch((err) => this.log.warn('consumer disconnect failed', errorFields(err)));
    await this.dlqRelay?.stop();
    this.joined = false;
    this.log.info('consumer stopped: batch finished or abandoned, left the group');
  }

  /**
   * Consumer lag per partition from the stored checkpoints (the source of truth) and the topics' end offsets.
   * Unlike the per-batch value it keeps growing while a batch is stuck (locked table, database down).
   * Every instance reports every partition: aggregate with max() in Prometheus.
   */
  async pollLag(): Promise<void> {
    if (this.stopping) return;
    if (!this.lagAdmin) {
      this.lagAdmin = this.kafka.admin();
      await this.lagAdmin.connect();
    }
    const rows: { topic: string; partition: number; next_offset: string }[] = await this.ds.query(
      `SELECT topic, partition, next_offset FROM projection.checkpoints WHERE projection = $1`,
      [this.cp],
    );
    const stored = new Map(rows.map((r) => [`${r.topic}/${r.partition}`, BigInt(r.next_offset)]));
    for (const topic of this.projection.topics) {
      for (const o of await this.lagAdmin.fetchTopicOffsets(topic)) {
        const at = stored.get(`${topic}/${o.partition}`) ?? BigInt(o.low);
        this.metrics.setLag(this.projection.name, topic, o.partition, Number(BigInt(o.high) - at));
      }
    }
  }

  private async seekToCheckpoints(assignment: Record<string, number[]>): Promise<void> {
    const topics = Object.keys(assignment);
    if (!topics.length || !this.consumer) return;
    const rows: { topic: string; partition: number; next_offset: string }[] = await this.ds.query(
      `SELECT topic, partition, next_offset FROM projection.checkpoints WHERE projection = $1 AND topic = ANY($2)`,
      [this.cp, topics],
    );
    for (const r of rows) {
      if (assignment[r.topic]?.includes(r.partition)) {
        this.consumer.seek({ topic: r.topic, partition: r.partition, offset: r.next_offset });
      }
    }
  }

  /** `lap(phase)` adds the time since the previous lap (or since this call) to `phase` when timings are on. */
  private lapTimer(): (phase: string) => void {
    const tm = this.timings;
    if (!tm) return () => undefined;
    let t0 = now();
    return (phase) => {
      const t = now();
      tm.add(phase, t - t0);
      t0 = t;
    };
  }

  private async handleBatch(p: EachBatchPayload): Promise<void> {
    const { batch } = p;
    if (!batch.messages.length || this.stopping) return;
    const started = process.hrtime.bigint();
    const tm = this.timings;
    tm?.batchStart();
    const lap = this.lapTimer();
    const parsed: Parsed[] = [];
    const dead: DeadLetter[] = [];
    for (const m of batch.messages) {
      const r = decodeKafkaMessage(m.value, m.headers, EVENT_REGISTRY);
      if (r.ok) {
        if (this.handles.has(r.event.type)) parsed.push({ offset: m.offset, event: r.event });
      } else {
        dead.push(this.deadLetter(batch.topic, batch.partition, m, r.reason, r.error, r.id, r.type));
      }
    }
    const lastOffset = batch.messages[batch.messages.length - 1].offset;
    lap('parse');

    const hb = setInterval(() => void p.heartbeat().catch(() => undefined), this.heartbeatMs);
    try {
      const ok = await this.withRetries(p, () => this.commitBatch(batch.topic, batch.partition, parsed, dead, lastOffset));
      if (!ok) return;
    } catch (err) {
      if (this.stopping || !p.isRunning() || p.isStale()) return;
      // Not transient: a message the projection cannot apply. Isolate it, one event per transaction.
      this.log.warn('batch failed; isolating the failing events', { ...errorFields(err), topic: batch.topic, partition: batch.partition });
      const ok = await this.applyOneByOne(p, batch.topic, batch.partition, parsed, dead, lastOffset);
      if (!ok) return;
    } finally {
      clearInterval(hb);
    }
    lap('db-tx');
    failpoint('runner.after-db-commit');
    p.resolveOffset(lastOffset);
    this.commitKafkaOffset(batch.topic, batch.partition, (BigInt(lastOffset) + 1n).toString());
    await p.heartbeat().catch(() => undefined);
    lap('heartbeat');
    tm?.batchEnd(batch.messages.length);
    this.metrics.observeBatch(this.projection.name, batch.messages.length, Number(process.hrtime.bigint() - started) / 1e9);
    this.metrics.setLag(this.projection.name, batch.topic, batch.partition, Number(BigInt(batch.highWatermark) - BigInt(lastOffset) - 1n));
  }

  /**
   * Kafka offset commit after the database commit: only a hint (the checkpoint in the database decides what is
   * applied; consumers seek to it on assignment), used by lag monitoring (KEDA). Not awaited by the batch, so a
   * partition's next batch does not wait for the broker round trip; commits of one partition run one at a time
   * and coalesce to the newest offset, so the last batch's offset is always committed in the end.
   */
  private commitKafkaOffset(topic: string, partition: number, offset: string): void {
    const key = `${topic}/${partition}`;
    let c = this.kafkaCommits.get(key);
    if (!c) this.kafkaCommits.set(key, (c = {}));
    const state = c;
    state.pending = offset;
    if (state.inflight) return;
    state.inflight = (async () => {
      while (state.pending !== undefined) {
        const next = state.pending;
        state.pending = undefined;
        await (this.consumer?.commitOffsets([{ topic, partition, offset: next }]) ?? Promise.resolve()).catch((err) =>
          this.log.warn('kafka offset commit failed (checkpoint in DB is authoritative)', { ...errorFields(err), topic, partition }),
        );
      }
      state.inflight = undefined;
    })();
  }

  /** Retries transient failures with backoff; returns false when the batch was abandoned (stop or rebalance). */
  private async withRetries(p: EachBatchPayload, fn: () => Promise<void>): Promise<boolean> {
    const max = this.opts.maxRetries ?? Number.POSITIVE_INFINITY;
    for (let attempt = 0; ; attempt++) {
      if (this.stopping || !p.isRunning() || p.isStale()) return false;
      try {
        await fn();
        return true;
      } catch (err) {
        if (!isTransientDbError(err) || attempt >= max) throw err;
        const delay = backoffMs(attempt, 200, 5000);
        this.metrics.retries.inc({ projection: this.projection.name });
        this.log.warn('transient error; retrying batch', { ...errorFields(err), attempt, delayMs: delay });
        await sleep(delay);
        await p.heartbeat().catch(() => undefined);
      }
    }
  }

  private async applyOneByOne(
    p: EachBatchPayload,
    topic: string,
    partition: number,
    parsed: Parsed[],
    dead: DeadLetter[],
    lastOffset: string,
  ): Promise<boolean> {
    // Dead letters from parsing are recorded with the first unit of work.
    let pendingDead = dead;
    for (const item of parsed) {
      try {
        const ok = await this.withRetries(p, () => this.commitBatch(topic, partition, [item], pendingDead, item.offset));
        if (!ok) return false;
      } catch (err) {
        const dl = this.deadLetterForEvent(topic, partition, item, err);
        const ok = await this.withRetries(p, () => this.commitBatch(topic, partition, [], [...pendingDead, dl], item.offset));
        if (!ok) return false;
      }
      pendingDead = [];
    }
    return this.withRetries(p, () => this.commitBatch(topic, partition, [], pendingDead, lastOffset));
  }

  /** One transaction: checkpoint check, dedupe, apply, dead letters, checkpoint advance. */
  private async commitBatch(topic: string, partition: number, parsed: Parsed[], dead: DeadLetter[], lastOffset: string): Promise<void> {
    const tm = this.timings;
    const lap = this.lapTimer();
    const tx = this.ds.createQueryRunner();
    await tx.connect();
    if (tm) {
      // per-statement cost of the projection's SQL (keyed by the statement's first words)
      const q = tx.query.bind(tx);
      tx.query = (async (sql: string, params?: unknown[]) => {
        const s0 = now();
        try {
          return await q(sql, params);
        } finally {
          tm.add(`sql:${sql.replace(/\s+/g, ' ').trim().slice(0, 48)}`, now() - s0);
        }
      }) as typeof tx.query;
    }
    lap('tx.connect');
    try {
      await tx.startTransaction();
      // One round trip in the steady state: the lock timeout for this transaction (set_config(…, true) = SET LOCAL,
      // evaluated before the row lock is requested) and the checkpoint row locked FOR UPDATE.
      const lockTimeout = String(Math.max(100, this.opts.lockTimeoutMs ?? 5000));
      const lockCheckpoint = (): Promise<{ next_offset: string }[]> =>
        tx.query(
          `WITH s AS MATERIALIZED (SELECT set_config('lock_timeout', $4, true) AS v)
           SELECT c.next_offset FROM s, projection.checkpoints c
            WHERE c.projection = $1 AND c.topic = $2 AND c.partition = $3 FOR UPDATE OF c`,
          [this.cp, topic, partition, lockTimeout],
        );
      let cpRows = await lockCheckpoint();
      if (!cpRows.length) {
        // first batch of this partition for this projection version
        await tx.query(`SELECT set_config('lock_timeout', $1, true)`, [lockTimeout]);
        await tx.query(
          `INSERT INTO projection.checkpoints (projection, topic, partition, next_offset) VALUES ($1, $2, $3, 0)
           ON CONFLICT DO NOTHING`,
          [this.cp, topic, partition],
        );
        cpRows = await lockCheckpoint();
      }
      const [{ next_offset }] = cpRows;
      lap('tx.begin+checkpoint-lock');
      const from = BigInt(next_offset);
      if (BigInt(lastOffset) < from) {
        await tx.commitTransaction();
        return; // everything here was applied already (redelivery after a crash or by a zombie)
      }
      let events = parsed.filter((x) => BigInt(x.offset) >= from).map((x) => x.event);
      const newDead = dead.filter((d) => BigInt(d.offset) >= from);
      const skippedDup = { n: 0 };
      if (this.projection.dedupe === 'runner' && events.length) {
        events = await this.dedupe(tx, events, skippedDup);
      }
      lap('tx.dedupe');
      if (events.length) await this.projection.apply(events, { tx, topic, partition });
      lap('tx.apply');
      if (newDead.length) await this.recordDeadLetters(tx, newDead);
      // checkpoint advance and freshness state in one statement (one round trip)
      const next = (BigInt(lastOffset) + 1n).toString();
      if (events.length) {
        // An event stamped in the future (beyond the producers' tolerated skew) never moves the freshness
        // watermark: it is projected, but the newest event time only counts events up to now + skew.
        const newest = newestPlausibleTime(events, Date.now());
        await tx.query(
          `WITH cp AS (
             UPDATE projection.checkpoints SET next_offset = $4, updated_at = now()
              WHERE projection = $1 AND topic = $2 AND partition = $3 AND next_offset <= $4
           )
           INSERT INTO projection.state (projection, newest_event_time, last_batch_at, events_applied) VALUES ($5, $6, now(), $7)
           ON CONFLICT (projection) DO UPDATE SET newest_event_time = GREATEST(projection.state.newest_event_time, EXCLUDED.newest_event_time),
             last_batch_at = now(), events_applied = projection.state.events_applied + EXCLUDED.events_applied`,
          [this.cp, topic, partition, next, this.projection.name, newest, events.length],
        );
      } else {
        await tx.query(
          `UPDATE projection.checkpoints SET next_offset = $4, updated_at = now()
           WHERE projection = $1 AND topic = $2 AND partition = $3 AND next_offset <= $4`,
          [this.cp, topic, partition, next],
        );
      }
      lap('tx.checkpoint+state');
      await tx.commitTransaction();
      lap('tx.commit');
      for (const e of events) this.metrics.projected.inc({ projection: this.projection.name, type: e.type });
      if (skippedDup.n) this.metrics.duplicates.inc({ projection: this.projection.name }, skippedDup.n);
      for (const d of newDead) this.metrics.deadLetters.inc({ projection: this.projection.name, reason: d.reason });
      if (newDead.length) this.dlqRelay?.wake();
    } catch (err) {
      if (tx.isTransactionActive) await tx.rollbackTransaction().catch(() => undefined);
      throw err;
    } finally {
      await tx.release().catch(() => undefined);
    }
  }

  private async dedupe(tx: QueryRunner, events: EventEnvelope[], skipped: { n: number }): Promise<EventEnvelope[]> {
    const rows: { event_id: string }[] = await tx.query(
      `INSERT INTO projection.processed_events (projection, event_id)
       SELECT $1, id FROM unnest($2::uuid[]) AS id ON CONFLICT DO NOTHING RETURNING event_id`,
      [this.projection.name, events.map((e) => e.id)],
    );
    const fresh = new Set(rows.map((r) => r.event_id));
    const out: EventEnvelope[] = [];
    for (const e of events) {
      if (fresh.delete(e.id)) out.push(e); // delete: a second copy inside the same batch is dropped too
    }
    skipped.n = events.length - out.length;
    return out;
  }

  private deadLetter(
    topic: string,
    partition: number,
    m: KafkaMessage,
    reason: DeadLetterReason,
    error: string,
    eventId?: string,
    eventType?: string,
  ): DeadLetter {
    return {
      topic,
      partition,
      offset: m.offset,
      reason,
      error,
      eventId,
      eventType,
      key: m.key ? m.key.toString('utf8') : null,
      value: deadLetterValue(m.value, m.headers),
    };
  }

  private deadLetterForEvent(topic: string, partition: number, item: Parsed, err: unknown): DeadLetter {
    const e = err as { message?: string; code?: string };
    return {
      topic,
      partition,
      offset: item.offset,
      reason: 'projection_failed',
      error: `${e.code ? `${e.code}: ` : ''}${(e.message ?? String(err)).slice(0, 500)}`,
      eventId: item.event.id,
      eventType: item.event.type,
      key: item.event.subject,
      value: JSON.stringify(item.event),
    };
  }

  private async recordDeadLetters(tx: QueryRunner, dead: DeadLetter[]): Promise<void> {
    await tx.query(
      `INSERT INTO projection.dead_letters (consumer_group, topic, partition, "offset", reason, error, event_id, event_type, msg_key, payload)
       SELECT $1, * FROM unnest($2::text[], $3::int[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
       ON CONFLICT DO NOTHING`,
      [
        this.opts.groupId,
        dead.map((d) => d.topic),
        dead.map((d) => d.partition),
        dead.map((d) => d.offset),
        dead.map((d) => d.reason),
        dead.map((d) => d.error),
        dead.map((d) => d.eventId ?? null),
        dead.map((d) => d.eventType ?? null),
        dead.map((d) => d.key),
        dead.map((d) => d.value),
      ],
    );
    for (const d of dead) {
      this.log.warn('dead-lettered', { topic: d.topic, partition: d.partition, offset: d.offset, reason: d.reason, eventId: d.eventId });
    }
  }
}
