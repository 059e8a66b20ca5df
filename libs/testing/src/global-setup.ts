/**
 * Jest globalSetup of the integration and e2e tiers: starts the Kafka broker if none answers
 * (tools/kafka/kafka.sh: jars from Maven Central), creates a fresh database for this run, migrates it
 * and creates the topics. The settings reach the test workers through process.env.
 */
import 'reflect-metadata';
require('../../../tools/runtime/register-source-paths.js');
import { brokerHostPort, kafkaScript, portOpen } from './infra';

export default async function globalSetup(): Promise<void> {
  process.env.TZ = 'UTC';
  process.env.NODE_ENV = 'test';
  process.env.KAFKA_BROKERS ??= '127.0.0.1:9092';
  const { host, port } = brokerHostPort();
  if (!(await portOpen(host, port))) {
    kafkaScript('start', { ...process.env, KAFKA_HOST: host, KAFKA_PORT: String(port) });
    process.env.CEP_TEST_STARTED_KAFKA = '1';
  }
  const base = new URL(process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  base.pathname = `/cep_test_${Date.now().toString(36)}_${process.pid}`;
  process.env.DATABASE_URL = base.toString();
  process.env.CEP_TEST_DATABASE = base.pathname.slice(1);
  // Loaded after the alias hook above is installed.
  const { migrate } = await import('../../../tools/db/migrate');
  const { createTopics } = await import('../../../tools/kafka/create-topics');
  await migrate(process.env.DATABASE_URL);
  await createTopics(process.env);
}
