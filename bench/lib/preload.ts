import { CompressionTypes, Partitioners, type Message } from 'kafkajs';
import { ALL_TOPICS } from '@cep/contracts';
import { toOutgoingMessage } from '@cep/messaging';
import type { EventMix } from './event-mix';
import type { BenchInfra } from './infra';
import { createTopics } from './infra';
import { benchTopic } from './projections';

export interface PreloadResult {
  events: number;
  seconds: number;
  byTopic: Record<string, number>;
  byType: Record<string, number>;
  /** Every 10th message (the duplicates section re-delivers these). */
  sample: { topic: string; messages: Message[] }[];
}

export async function createBenchTopics(infra: BenchInfra, partitions: number): Promise<string[]> {
  const topics = ALL_TOPICS.map((t) => benchTopic(infra.runId, t));
  await createTopics(infra.kafka, topics, partitions);
  return topics;
}

/**
 * Produces `n` events of the mix to the benchmark's copies of the platform topics (same key = aggregate id, same
 * wire form as the outbox relay), in batches of 3,000 with 4 requests in flight.
 */
export async function preload(
  infra: BenchInfra,
  mix: EventMix,
  n: number,
  log: (s: string) => void,
  opts: { traceparent?: () => string } = {},
): Promise<PreloadResult> {
  const producer = infra.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  const byTopic: Record<string, number> = {};
  const byType: Record<string, number> = {};
  const sample = new Map<string, Message[]>();
  const t0 = Date.now();
  const inflight = new Set<Promise<unknown>>();
  const BATCH = 3000;
  let sent = 0;
  let lastLog = Date.now();
  try {
    while (sent < n) {
      const events = mix.next(Math.min(BATCH, n - sent), n);
      const grouped = new Map<string, Message[]>();
      for (let i = 0; i < events.length; i++) {
        const m = toOutgoingMessage(events[i]);
        const topic = benchTopic(infra.runId, m.topic);
        // `traceparent`: the header the relay adds when the producer traced the command (tracing section only).
        const msg: Message = { key: m.key, value: m.value, headers: opts.traceparent ? { ...m.headers, traceparent: opts.traceparent() } : m.headers };
        (grouped.get(topic) ?? grouped.set(topic, []).get(topic)!).push(msg);
        byTopic[m.topic] = (byTopic[m.topic] ?? 0) + 1;
        byType[events[i].type] = (byType[events[i].type] ?? 0) + 1;
        if ((sent + i) % 10 === 0) (sample.get(topic) ?? sample.set(topic, []).get(topic)!).push(msg);
      }
      sent += events.length;
      const p = producer
        .sendBatch({ acks: 1, compression: CompressionTypes.None, topicMessages: [...grouped].map(([topic, messages]) => ({ topic, messages })) })
        .finally(() => inflight.delete(p));
      inflight.add(p);
      if (inflight.size >= 4) await Promise.race(inflight);
      if (Date.now() - lastLog > 10000) {
        lastLog = Date.now();
        log(`preload: ${sent.toLocaleString('en-US')} / ${n.toLocaleString('en-US')} events`);
      }
    }
    await Promise.all(inflight);
  } finally {
    await producer.disconnect();
  }
  return { events: n, seconds: (Date.now() - t0) / 1000, byTopic, byType, sample: [...sample].map(([topic, messages]) => ({ topic, messages })) };
}

/** Re-sends messages unchanged (same ids, same keys): a redelivery as a producer retry or a replay would cause. */
export async function redeliver(infra: BenchInfra, sample: { topic: string; messages: Message[] }[]): Promise<number> {
  const producer = infra.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  let n = 0;
  try {
    for (const { topic, messages } of sample) {
      for (let i = 0; i < messages.length; i += 3000) {
        const chunk = messages.slice(i, i + 3000);
        await producer.sendBatch({ acks: 1, compression: CompressionTypes.None, topicMessages: [{ topic, messages: chunk }] });
        n += chunk.length;
      }
    }
  } finally {
    await producer.disconnect();
  }
  return n;
}
