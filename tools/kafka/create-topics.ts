/** Creates every platform topic (and the dead-letter topics) with the configured partition counts and replication (KAFKA_REPLICATION_FACTOR, KAFKA_MIN_INSYNC_REPLICAS; unset: the broker defaults). */
import 'reflect-metadata';
import { createKafka, ensureTopics, platformTopics } from '@cep/messaging';
import { configureLogging, loadConfig, Logger, PlatformConfig } from '@cep/platform';

export async function createTopics(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const cfg = loadConfig(PlatformConfig, env);
  await ensureTopics(createKafka(cfg, 'create-topics'), platformTopics(env));
}

if (require.main === module) {
  // The Job's output is the platform's JSON log line like every app's.
  configureLogging({ app: 'create-topics' });
  const log = new Logger('create-topics');
  createTopics()
    .then(() => log.info('topics ready', { topics: platformTopics().map((t) => `${t.topic}(${t.numPartitions})`) }))
    .catch((err) => {
      log.error('topic creation failed', { error: err.message });
      process.exit(1);
    });
}
