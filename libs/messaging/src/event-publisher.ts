import { CompressionTypes, Partitioners, type Kafka, type Message, type Producer, type RetryOptions } from 'kafkajs';
import type { EventEnvelope } from '@cep/contracts';
import { activeTraceparent, TRACEPARENT } from '@cep/platform';
import { toOutgoingMessage } from './cloudevents-kafka';

/** A message for any topic (events: `OutgoingMessage`; dead letters may have no key or value). */
export interface PublishMessage {
  topic: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

/**
 * kafkajs resolved the send although some partitions it was given were never acknowledged (see `EventPublisher`).
 * Nothing of the batch may be counted as published; the publisher has already replaced its producer.
 */
export class IncompleteSendError extends Error {
  constructor(readonly unacknowledged: string[]) {
    super(`send resolved without an acknowledgement for ${unacknowledged.join(', ')}`);
    this.name = 'IncompleteSendError';
  }
}

/**
 * Idempotent producer (acks=all, one in-flight request per connection, so retries never reorder or duplicate
 * within a session), the Java-compatible murmur2 partitioner chosen explicitly, and batched sends.
 *
 * A send resolves only when every partition of the batch was acknowledged by the broker, and a send that fails
 * leaves no producer state behind. Two kafkajs (2.2.x) behaviours across a partition leader change make this
 * necessary:
 * - its send retry remembers which brokers answered, not which partitions: when a partition's leadership moves to a
 *   broker that had already acknowledged its own share of the batch, the retry skips that partition and the send
 *   resolves without having written it (a silent loss);
 * - after a failed produce request it rolls the partitions' sequence numbers back even when the broker did write the
 *   records (a leader killed after replicating, before answering), so the same session's next, different batch is
 *   either refused for ever (OUT_OF_ORDER_SEQUENCE_NUMBER, not retriable) or, with the same record count, taken for a
 *   retry and acknowledged as a duplicate without being written (a silent loss).
 * So every message's partition is recorded by the partitioner and the acknowledgements are checked against it
 * (`IncompleteSendError`), and after any failed or incomplete send the producer is thrown away: the next send opens
 * a new one with a new producer id, whose sequence numbers start afresh. The caller sends the whole batch again (the
 * outbox relay keeps the rows unpublished): copies on the topics are possible and absorbed by the consumers (they
 * apply each event id once), losses are not.
 */
export class EventPublisher {
  private producer?: Producer;
  private connecting?: Promise<Producer>;
  /** The partition kafkajs' partitioner chose for each message of a send (its last attempt wins). */
  private readonly partitionOf = new WeakMap<Message, number>();
  /** Producers thrown away after a failed or incomplete send (each replaced by one with a new producer id). */
  resets = 0;

  constructor(
    private readonly kafka: Kafka,
    private readonly opts: { transactionalId?: string; retry?: RetryOptions } = {},
  ) {}

  private createProducer(): Producer {
    const partitionOf = this.partitionOf;
    return this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: () => {
        const pick = Partitioners.DefaultPartitioner();
        return (args) => {
          const partition = pick(args);
          partitionOf.set(args.message, partition);
          return partition;
        };
      },
      allowAutoTopicCreation: false,
      transactionalId: this.opts.transactionalId,
      retry: this.opts.retry,
    });
  }

  /** The current producer session, connected (one connect at a time). */
  private async session(): Promise<Producer> {
    if (this.producer) return this.producer;
    this.connecting ??= (async () => {
      const p = this.createProducer();
      try {
        await p.connect();
      } catch (err) {
        await p.disconnect().catch(() => undefined);
        throw err;
      }
      this.producer = p;
      return p;
    })().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  /** Drops the session (if still current): the next send starts a new producer id. */
  private async discard(p: Producer): Promise<void> {
    if (this.producer !== p) return;
    this.producer = undefined;
    this.resets++;
    await p.disconnect().catch(() => undefined);
  }

  async connect(): Promise<void> {
    await this.session();
  }

  async disconnect(): Promise<void> {
    const p = this.producer ?? (await this.connecting?.catch(() => undefined));
    this.producer = undefined;
    await p?.disconnect();
  }

  /**
   * Sends messages grouped by topic in one request per broker; resolves once all are acknowledged by all ISRs.
   * Throws when any is not (the producer is replaced; the whole batch must be sent again).
   */
  async send(messages: PublishMessage[]): Promise<void> {
    if (!messages.length) return;
    const producer = await this.session();
    const byTopic = new Map<string, Message[]>();
    for (const m of messages) {
      const list = byTopic.get(m.topic) ?? [];
      list.push({ key: m.key, value: m.value, headers: m.headers });
      byTopic.set(m.topic, list);
    }
    let acks: { topicName: string; partition: number }[];
    try {
      acks = await producer.sendBatch({
        acks: -1,
        compression: CompressionTypes.None,
        topicMessages: [...byTopic.entries()].map(([topic, msgs]) => ({ topic, messages: msgs })),
      });
    } catch (err) {
      await this.discard(producer);
      throw err;
    }
    const acked = new Set(acks.map((a) => `${a.topicName}/${a.partition}`));
    const missing = new Set<string>();
    for (const [topic, msgs] of byTopic)
      for (const m of msgs) {
        const partition = this.partitionOf.get(m);
        if (partition === undefined || !acked.has(`${topic}/${partition}`)) missing.add(`${topic}/${partition ?? '?'}`);
      }
    if (missing.size) {
      await this.discard(producer);
      throw new IncompleteSendError([...missing].sort());
    }
  }

  /** Publishes envelopes directly (no outbox); the active span's `traceparent` goes along as a header. */
  async publish(events: EventEnvelope[]): Promise<void> {
    const traceparent = activeTraceparent();
    const msgs = events.map(toOutgoingMessage);
    if (traceparent) for (const m of msgs) m.headers[TRACEPARENT] = traceparent;
    await this.send(msgs);
  }

  /** The current kafkajs producer (connected): sends through it bypass the acknowledgement check. */
  async raw(): Promise<Producer> {
    return this.session();
  }
}
