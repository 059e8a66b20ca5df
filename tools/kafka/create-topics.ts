/** Creates every platform topic (and the dead-letter topics) with the configured partition counts. */
import 'reflect-metadata';
import { createKafka, ensureTopics, platformTopics } from '@cep/messaging';
import { loadConfig, PlatformConfig } from '@cep/platform';

export async function createTopics(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const cfg = loadConfig(PlatformConfig, env);
  await ensureTopics(createKafka(cfg, 'create-topics'), platformTopics(env));
}

if (require.main === module) {
  createTopics()
    .then(() => console.log(`topics ready: ${platformTopics().map((t) => `${t.topic}(${t.numPartitions})`).join(', ')}`))
    .catch((err) => {
      console.error('topic creation failed:', err.message);
      process.exit(1);
    });
}
