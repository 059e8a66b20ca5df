import { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { credentialCreatedEvent, expectEventually, newOrgId, testConfig, testDataSource, testKafka } from '@cep/testing';
import { EventPublisher } from './event-publisher';
import { createKafka } from './kafka-client';
import { currentOutboxDdl, enqueueOutbox, OutboxRelay } from './outbox';
import { OutboxMetrics } from './outbox-metrics';
import { ensureTopics } from './topic-admin';

/** Outbox metrics against the real database and broker: backlog and oldest age from the table, published and failed cycles. */
describe('OutboxMetrics (PostgreSQL + Kafka)', () => {
  let ds: DataSource;
  const schema = `it_outbox_${Math.random().toString(36).slice(2, 10)}`;
  const kafka = testKafka('outbox-metrics-int');
  const publisher = new EventPublisher(kafka);

  async function value(registry: Registry, name: string): Promise<number | undefined> {
    const m = (await registry.getMetricsAsJSON()).find((x) => x.name === name) as { values: { value: number; labels: Record<string, string> }[] } | undefined;
    return m?.values.find((v) => v.labels.schema === schema)?.value;
  }

  beforeAll(async () => {
    ds = await testDataSource();
    await ds.query(`CREATE SCHEMA ${schema}`);
    for (const q of currentOutboxDdl(schema)) await ds.query(q);
  });

  afterAll(async () => {
    await publisher.disconnect();
    await ds.query(`DROP SCHEMA ${schema} CASCADE`);
    await ds.destroy();
  });

  it('reports unsent rows and the age of the oldest, then 0 and the published count once the relay has sent them', async () => {
    const registry = new Registry();
    const metrics = new OutboxMetrics(registry, ds, schema);
    expect(await value(registry, 'cep_outbox_backlog')).toBe(0);
    expect(await value(registry, 'cep_outbox_oldest_unsent_age_seconds')).toBe(0);

    const org = newOrgId();
    const events = Array.from({ length: 7 }, () => credentialCreatedEvent(org));
    await ensureTopics(kafka, [{ topic: 'cep.credentials.v1', numPartitions: 3 }]);
    const qr = ds.createQueryRunner();
    await qr.connect();
    await qr.startTransaction();
    await enqueueOutbox(qr, schema, events);
    await qr.commitTransaction();
    await qr.release();
    await ds.query(`UPDATE ${schema}.outbox SET created_at = now() - interval '90 seconds' WHERE position = (SELECT min(position) FROM ${schema}.outbox)`);
    await new Promise((r) => setTimeout(r, 300)); // past the per-scrape cache

    expect(await value(registry, 'cep_outbox_backlog')).toBe(7);
    const age = (await value(registry, 'cep_outbox_oldest_unsent_age_seconds'))!;
    expect(age).toBeGreaterThanOrEqual(90);
    expect(age).toBeLessThan(120);

    const relay = new OutboxRelay(ds, publisher, { schema, databaseUrl: testConfig().DATABASE_URL, metrics });
    expect(await relay.publishBatch()).toBe(7);
    await new Promise((r) => setTimeout(r, 300));
    expect(await value(registry, 'cep_outbox_backlog')).toBe(0);
    expect(await value(registry, 'cep_outbox_oldest_unsent_age_seconds')).toBe(0);
    expect(await value(registry, 'cep_outbox_published_total')).toBe(7);
    expect(await value(registry, 'cep_outbox_publish_errors_total')).toBe(0);
  });

  it('counts failed relay cycles while the broker is unreachable, and the rows stay unsent', async () => {
    const registry = new Registry();
    const metrics = new OutboxMetrics(registry, ds, schema);
    const unreachable = createKafka({ ...testConfig(), KAFKA_BROKERS: ['127.0.0.1:1'] }, 'outbox-metrics-down', {
      retry: { retries: 1, initialRetryTime: 50, maxRetryTime: 100 },
      connectionTimeout: 300,
    });
    const deadPublisher = new EventPublisher(unreachable);
    const qr = ds.createQueryRunner();
    await qr.connect();
    await qr.startTransaction();
    await enqueueOutbox(qr, schema, [credentialCreatedEvent(newOrgId())]);
    await qr.commitTransaction();
    await qr.release();
    const relay = new OutboxRelay(ds, deadPublisher, { schema, databaseUrl: testConfig().DATABASE_URL, metrics, pollIntervalMs: 50 });
    relay.start();
    try {
      await expectEventually(async () => expect(await value(registry, 'cep_outbox_publish_errors_total')).toBeGreaterThanOrEqual(1), { timeoutMs: 20_000 });
    } finally {
      await relay.stop();
      await deadPublisher.disconnect().catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(await value(registry, 'cep_outbox_backlog')).toBe(1);
    expect(await value(registry, 'cep_outbox_published_total')).toBe(0);
  });
});
