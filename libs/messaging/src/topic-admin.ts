import type { Kafka } from 'kafkajs';
import { ALL_TOPICS, deadLetterTopic, partitionsFor, type TopicName } from '@cep/contracts';

export interface TopicSpec {
  topic: string;
  numPartitions: number;
}

export const PROJECTOR_GROUPS = [
  'cep.history-projector',
  'cep.activity-projector',
  'cep.report-projector',
  'cep.event-log-projector',
] as const;

/** Every topic the platform needs, with partition counts from the environment. */
export function platformTopics(env: NodeJS.ProcessEnv = process.env): TopicSpec[] {
  const specs: TopicSpec[] = ALL_TOPICS.map((t: TopicName) => ({ topic: t, numPartitions: partitionsFor(t, env) }));
  for (const g of PROJECTOR_GROUPS) specs.push({ topic: deadLetterTopic(g), numPartitions: 1 });
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
        topics: missing.map((s) => ({ topic: s.topic, numPartitions: s.numPartitions, replicationFactor: -1 })),
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
