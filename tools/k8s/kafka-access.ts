/**
 * Who touches which Kafka topic, derived from the code: the topic catalogue of libs/contracts (TOPICS, partition
 * counts, dead-letter topics), the projections' `topics` (what each projector's consumer group subscribes to) and
 * the producers' `produces`/`consumes` of tools/k8s/app-catalogue.ts (checked against the event definitions their
 * source imports by kafka-access.spec.ts). Used by the KEDA checks (per-topic triggers and replica bounds) and by
 * the Strimzi generator (KafkaTopic/KafkaUser ACLs).
 */
import 'reflect-metadata';
import { activityProjection } from '@cep/activity';
import { ALL_TOPICS, deadLetterTopic, partitionsFor, TOPICS, type TopicKey, type TopicName } from '@cep/contracts';
import { eventLogProjection } from '@cep/event-log';
import { historyProjection } from '@cep/history';
import { reportProjection } from '@cep/reports';
import { APPS } from './app-catalogue';

/** The projection each projector app runs (as in apps/<app>/src/main.ts). */
export const PROJECTIONS: Readonly<Record<string, { readonly topics: readonly string[] }>> = {
  'history-projector': historyProjection,
  'activity-projector': activityProjection,
  'report-projector': reportProjection,
  'event-log-projector': eventLogProjection,
};

export function topicName(key: string): TopicName {
  const name = (TOPICS as Record<string, TopicName>)[key];
  if (!name) throw new Error(`unknown topic key ${key} (keys of TOPICS in libs/contracts: ${Object.keys(TOPICS).join(', ')})`);
  return name;
}

export function topicKey(name: string): TopicKey | undefined {
  return (Object.keys(TOPICS) as TopicKey[]).find((k) => TOPICS[k] === name);
}

/** Topics a projector's consumer group subscribes to, sorted. */
export function projectorTopics(app: string): string[] {
  const p = PROJECTIONS[app];
  if (!p) throw new Error(`no projection known for ${app}: add it to PROJECTIONS in tools/k8s/kafka-access.ts`);
  return [...new Set(p.topics)].sort();
}

/**
 * The replica bound of a projector: the most partitions any ONE of its topics has. KEDA's kafka scaler (one trigger
 * per topic, allowIdleConsumers false) caps each trigger at its topic's partitions and the HPA takes the largest.
 * Lag on a topic can be worked off by at most that topic's partition count of consumers.
 */
export function projectorMaxReplicas(app: string, env: NodeJS.ProcessEnv): number {
  return Math.max(...projectorTopics(app).map((t) => partitionsFor(t as TopicName, env)));
}

export interface TopicSpec {
  name: string;
  partitions: number;
  /** An app's dead-letter topic (one partition). */
  deadLetter: boolean;
}

/** Every topic the platform uses: the catalogue's with their partitions under `env`, and each projector's DLQ. */
export function platformTopics(env: NodeJS.ProcessEnv): TopicSpec[] {
  const topics: TopicSpec[] = ALL_TOPICS.map((t) => ({ name: t, partitions: partitionsFor(t, env), deadLetter: false }));
  for (const app of APPS) if (app.kind === 'projector' && app.consumerGroup) topics.push({ name: deadLetterTopic(app.consumerGroup), partitions: 1, deadLetter: true });
  return topics;
}

export interface KafkaAccess {
  app: string;
  /** Topics the app writes (producers: their domain topics; projectors: their dead-letter topic). */
  writes: string[];
  /** Topics the app reads. */
  reads: string[];
  /** Consumer groups the app joins. */
  groups: string[];
}

/** Least privilege per app; the gateway reads nothing from Kafka and gets nothing. */
export function kafkaAccess(): KafkaAccess[] {
  return APPS.map((app) => {
    if (app.kind === 'projector') {
      if (!app.consumerGroup) throw new Error(`projector ${app.name} has no consumerGroup in the catalogue`);
      return { app: app.name, writes: [deadLetterTopic(app.consumerGroup)], reads: projectorTopics(app.name), groups: [app.consumerGroup] };
    }
    const consumes = app.consumes ?? [];
    return {
      app: app.name,
      writes: [...new Set((app.produces ?? []).map(topicName))].sort(),
      reads: [...new Set(consumes.flatMap((c) => c.topics.map(topicName)))].sort(),
      groups: consumes.map((c) => c.group).sort(),
    };
  });
}
