import type { Kafka } from 'kafkajs';
import { ALL_TOPICS, deadLetterTopic, partitionsFor, type TopicName } from '@cep/contracts';

export interface TopicSpec {
  topic: string;
  numPartitions: number;
  /** Replicas per partition; unset: the broker's `default.replication.factor`. */
  replicationFactor?: number;
  /** The topic's `min.insync.replicas`; unset: the broker's default. */
  minInsyncReplicas?: number;
}

/**
 * Replication of the platform's topics from the environment: KAFKA_REPLICATION_FACTOR and KAFKA_MIN_INSYNC_REPLICAS
 * (e.g. 3 and 2 on a three-broker cluster, with producers at acks=all: a write survives the loss of one broker and
 * is refused, not silently under-replicated, when two are gone). Unset: the broker's defaults (1 on the local broker).
 */
export function topicReplication(env: NodeJS.ProcessEnv = process.env): Pick<TopicSpec, 'replicationFactor' | 'minInsyncReplicas'> {
  const read = (name: string): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${raw}`);
    return n;
  };
  const replicationFactor = read('KAFKA_REPLICATION_FACTOR');
  const minInsyncReplicas = read('KAFKA_MIN_INSYNC_REPLICAS');
  if (replicationFactor !== undefined && minInsyncReplicas !== undefined && minInsyncReplicas > replicationFactor) {
    throw new Error(`KAFKA_MIN_INSYNC_REPLICAS (${minInsyncReplicas}) exceeds KAFKA_REPLICATION_FACTOR (${replicationFactor})`);
  }
  return {
    ...(replicationFactor !== undefined ? { replicationFactor } : {}),
    ...(minInsyncReplicas !== undefined ? { minInsyncReplicas } : {}),
  };
}

export const PROJECTOR_GROUPS = [
  'cep.history-projector',
  'cep.activity-projector',
  'cep.report-projector',
  'cep.event-log-projector',
] as const;

/** Every topic the platform needs, with partition counts and replication from the environment. */
export function platformTopics(env: NodeJS.ProcessEnv = process.env): TopicSpec[] {
  const replication = topicReplication(env);
  const specs: TopicSpec[] = ALL_TOPICS.map((t: TopicName) => ({ topic: t, numPartitions: partitionsFor(t, env), ...replication }));
  for (const g of PROJECTOR_GROUPS) specs.push({ topic: deadLetterTopic(g), numPartitions: 1, ...replication });
  return specs;
}

/**
 * Creates the topics that do not exist yet (explicitly, before anyone subscribes) and waits for leaders.
 * Existing topics keep their partitions; a topic with fewer partitions than configured is grown.
 */
export async function ensureTopics(kafka: Kafka, specs: TopicSpec[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.topic));
    if (missing.length) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((s) => ({
          topic: s.topic,
          numPartitions: s.numPartitions,
          replicationFactor: s.replicationFactor ?? -1,
          ...(s.minInsyncReplicas !== undefined ? { configEntries: [{ name: 'min.insync.replicas', value: String(s.minInsyncReplicas) }] } : {}),
        })),
      });
    }
    const present = specs.filter((s) => existing.has(s.topic));
    if (present.length) {
      const meta = await admin.fetchTopicMetadata({ topics: present.map((s) => s.topic) });
      const grow = meta.topics
        .map((t) => ({ t, want: present.find((s) => s.topic === t.name)!.numPartitions }))
        .filter(({ t, want }) => t.partitions.length < want)
        .map(({ t, want }) => ({ topic: t.name, count: want }));
      if (grow.length) await admin.createPartitions({ topicPartitions: grow });
    }
  } finally {
    await admin.disconnect();
  }
}
