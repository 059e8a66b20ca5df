import { CompressionTypes, Partitioners, type Kafka, type Message, type Producer } from 'kafkajs';
import { EVENT_REGISTRY, type EventEnvelope } from '@cep/contracts';

/** A message ready for Kafka: structured-mode CloudEvent (JSON value) keyed by the aggregate id. */
export interface OutgoingMessage {
  topic: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

/** Serialises an envelope to its wire form. Topic comes from the contracts, key is the subject. */
export function toOutgoingMessage(event: EventEnvelope): OutgoingMessage {
  const def = EVENT_REGISTRY.get(event.type);
  if (!def) throw new Error(`unknown event type ${event.type}`);
  return {
    topic: def.topic,
    key: event.subject,
    value: JSON.stringify(event),
    headers: {
      'content-type': 'application/cloudevents+json; charset=utf-8',
      ce_id: event.id,
      ce_type: event.type,
      ce_organisationid: event.organisationId,
    },
  };
}

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

  async publish(events: EventEnvelope[]): Promise<void> {
    await this.send(events.map(toOutgoingMessage));
  }

  get raw(): Producer {
    return this.producer;
  }
}
