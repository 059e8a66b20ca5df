import { CompressionTypes, Partitioners, type Kafka, type Message, type Producer } from 'kafkajs';
import type { EventEnvelope } from '@cep/contracts';
import { activeTraceparent, TRACEPARENT } from '@cep/platform';
import { toOutgoingMessage, type OutgoingMessage } from './cloudevents-kafka';

/**
 * Idempotent producer (acks=all, one in-flight request per connection, so retries never reorder or duplicate
 * within a session), the Java-compatible murmur2 partitioner chosen explicitly, and batched sends.
 */
export class EventPublisher {
  private readonly producer: Producer;
  private connected = false;

  constructor(kafka: Kafka, opts: { transactionalId?: string } = {}) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
      transactionalId: opts.transactionalId,
    });
  }

  async connect(): Promise<void> {
    if (!this.connected) {
      await this.producer.connect();
      this.connected = true;
    }
  }

  async disconnect(): Promise<void> {
    if (this.connected) {
      this.connected = false;
      await this.producer.disconnect();
    }
  }

  /** Sends messages grouped by topic in one request per broker; resolves once all are acknowledged by all ISRs. */
  async send(messages: OutgoingMessage[]): Promise<void> {
    if (!messages.length) return;
    await this.connect();
    const byTopic = new Map<string, Message[]>();
    for (const m of messages) {
      const list = byTopic.get(m.topic) ?? [];
      list.push({ key: m.key, value: m.value, headers: m.headers });
      byTopic.set(m.topic, list);
    }
    await this.producer.sendBatch({
      acks: -1,
      compression: CompressionTypes.None,
      topicMessages: [...byTopic.entries()].map(([topic, msgs]) => ({ topic, messages: msgs })),
    });
  }

  /** Publishes envelopes directly (no outbox); the active span's `traceparent` goes along as a header. */
  async publish(events: EventEnvelope[]): Promise<void> {
    const traceparent = activeTraceparent();
    const msgs = events.map(toOutgoingMessage);
    if (traceparent) for (const m of msgs) m.headers[TRACEPARENT] = traceparent;
    await this.send(msgs);
  }

  get raw(): Producer {
    return this.producer;
  }
}
