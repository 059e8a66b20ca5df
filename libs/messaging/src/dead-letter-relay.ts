import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { deadLetterTopic } from '@cep/contracts';
import { backoffMs, errorFields, failpoint, Logger } from '@cep/platform';
import { EventPublisher, type PublishMessage } from './event-publisher';

export interface DeadLetterRelayOptions {
  /** Consumer group whose rows of `projection.dead_letters` this relay publishes to `cep.dlq.<group>`. */
  groupId: string;
  batchSize?: number;
  /** Poll period for rows written by other instances of the group (this instance's runner wakes it directly). */
  pollIntervalMs?: number;
  logger?: Logger;
}

interface Row {
  id: string;
  topic: string;
  partition: number;
  offset: string;
  reason: string;
  error: string;
  event_id: string | null;
  event_type: string | null;
  msg_key: string | null;
  payload: string | null;
}

/**
 * Publishes the rows of `projection.dead_letters` to the group's dead-letter topic, the same way the producers'
 * outbox relay publishes events: the runner records a dead letter in the batch transaction (never talks to the
 * broker for it), this relay sends unpublished rows with an idempotent producer (acks=all) and marks them
 * `published_at` only after the broker acknowledged. A broker outage only delays the copies; a crash between the
 * acknowledgement and the mark republishes those rows on restart. The topic therefore holds every dead letter at
 * least once; its consumers dedupe by (`x-consumer-group`, `x-original-topic`, `x-original-partition`,
 * `x-original-offset`). Rows are claimed `FOR UPDATE SKIP LOCKED`, so the instances of a group never send the
 * same row at the same time.
 */
export class DeadLetterRelay {
  private running = false;
  private loop?: Promise<void>;
  private wakeUp?: () => void;
  private woken = false;
  private readonly publisher: EventPublisher;
  private readonly log: Logger;
  private readonly topic: string;
  published = 0;

  constructor(
    kafka: Kafka,
    private readonly ds: DataSource,
    private readonly opts: DeadLetterRelayOptions,
  ) {
    this.log = opts.logger ?? new Logger(`dead-letter-relay.${opts.groupId}`);
    this.topic = deadLetterTopic(opts.groupId);
    // Bounded retries so that a long outage fails the send (and the claim transaction) well inside the connection's
    // idle-in-transaction timeout; the relay loop retries with its own backoff. A failed send replaces the producer.
    this.publisher = new EventPublisher(kafka, { retry: { retries: 4, initialRetryTime: 300, maxRetryTime: 3000 } });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** New rows were committed: publish now instead of at the next poll. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wakeUp?.();
    await this.loop;
    this.loop = undefined;
    await this.publisher.disconnect().catch(() => undefined);
  }

  private async waitForWork(ms: number): Promise<void> {
    if (this.woken || !this.running) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wakeUp = () => {
        clearTimeout(t);
        resolve();
      };
    });
    this.wakeUp = undefined;
  }

  private async run(): Promise<void> {
    const batchSize = this.opts.batchSize ?? 500;
    let attempt = 0;
    while (this.running) {
      this.woken = false;
      try {
        const n = await this.publishBatch(batchSize);
        attempt = 0;
        if (n < batchSize) await this.waitForWork(this.opts.pollIntervalMs ?? 1000);
      } catch (err) {
        const delay = backoffMs(attempt++, 500, 10000);
        this.log.warn('dead-letter relay: publish failed; the rows stay unpublished and are retried', { ...errorFields(err), delayMs: delay });
        this.woken = false;
        await this.waitForWork(delay);
      }
    }
  }

  /** Publishes up to `limit` unpublished rows of the group; returns how many were published. */
  async publishBatch(limit = this.opts.batchSize ?? 500): Promise<number> {
    const qr = this.ds.createQueryRunner();
    await qr.connect();
    try {
      await qr.startTransaction();
      const rows: Row[] = await qr.query(
        `SELECT id, topic, partition, "offset", reason, error, event_id, event_type, msg_key, payload FROM projection.dead_letters
          WHERE consumer_group = $1 AND published_at IS NULL ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [this.opts.groupId, limit],
      );
      if (!rows.length) {
        await qr.commitTransaction();
        return 0;
      }
      await this.publisher.send(rows.map((r) => this.message(r)));
      failpoint('dead-letter-relay.after-publish');
      await qr.query(`UPDATE projection.dead_letters SET published_at = now() WHERE id = ANY($1::bigint[])`, [rows.map((r) => r.id)]);
      await qr.commitTransaction();
      this.published += rows.length;
      return rows.length;
    } catch (err) {
      if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => undefined);
      throw err;
    } finally {
      await qr.release().catch(() => undefined);
    }
  }

  /** The original bytes and key; the origin (the dedupe key), the reason and the error in headers. */
  private message(r: Row): PublishMessage {
    return {
      topic: this.topic,
      key: r.msg_key,
      value: r.payload,
      headers: {
        'x-original-topic': r.topic,
        'x-original-partition': String(r.partition),
        'x-original-offset': String(r.offset),
        'x-dead-letter-reason': r.reason,
        'x-dead-letter-error': r.error.slice(0, 1000),
        'x-consumer-group': this.opts.groupId,
        ...(r.event_id ? { ce_id: r.event_id } : {}),
        ...(r.event_type ? { ce_type: r.event_type } : {}),
      },
    };
  }
}
