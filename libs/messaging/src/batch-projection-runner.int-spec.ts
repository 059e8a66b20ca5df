import { randomUUID } from 'crypto';
import type { Consumer } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { deadLetterTopic, TOPICS, type EventEnvelope } from '@cep/contracts';
import { credentialCreatedEvent, expectEventually, newOrgId, testDataSource, testKafka, uniqueName } from '@cep/testing';
import { BatchProjectionRunner } from './batch-projection-runner';
import { toOutgoingMessage } from './cloudevents-kafka';
import { EventPublisher } from './event-publisher';
import type { Projection } from './projection';
import { ensureTopics } from './topic-admin';

/**
 * The runner against the real broker and database: poison messages go to the dead-letter topic with their
 * reason and coordinates, the valid events around them are projected, and duplicates are applied once.
 */
describe('BatchProjectionRunner (Kafka + PostgreSQL)', () => {
  let ds: DataSource;
  const kafka = testKafka('runner-int');
  const publisher = new EventPublisher(kafka);
  const table = `it_${Math.random().toString(36).slice(2, 10)}`;
  const org = newOrgId();
  let runner: BatchProjectionRunner;
  let dlqConsumer: Consumer | undefined;

  const projection: Projection = {
    name: `it-${table}`,
    version: 1,
    topics: [TOPICS.credentials],
    handles: ['credential.created'],
    dedupe: 'runner',
    async apply(events, { tx }) {
      const mine = events.filter((e) => e.organisationid === org);
      if (!mine.length) return;
      // Counting with an upsert makes a double application visible (count 2).
      await tx.query(
        `INSERT INTO public.${table} (id, n) SELECT id, 1 FROM unnest($1::uuid[]) id ON CONFLICT (id) DO UPDATE SET n = public.${table}.n + 1`,
        [mine.map((e) => e.id)],
      );
    },
  };

  beforeAll(async () => {
    ds = await testDataSource();
    await ds.query(`CREATE TABLE public.${table} (id uuid PRIMARY KEY, n int NOT NULL)`);
  });

  afterAll(async () => {
    await runner?.stop();
    await dlqConsumer?.disconnect();
    await publisher.disconnect();
    await ds.destroy();
  });

  it('dead-letters malformed JSON, unknown types and invalid payloads with their reason; projects the rest exactly once', async () => {
    const groupId = uniqueName('it-runner');
    await ensureTopics(kafka, [{ topic: deadLetterTopic(groupId), numPartitions: 1 }]);
    const poisonKey = randomUUID();
    const valid: EventEnvelope[] = Array.from({ length: 30 }, () => credentialCreatedEvent(org));
    const unknownType = { ...credentialCreatedEvent(org), type: 'credential.teleported' };
    const invalidPayload = credentialCreatedEvent(org);
    (invalidPayload.data as Record<string, unknown>).profile = 'floppy-disk';

    const wire = valid.map(toOutgoingMessage);
    const poison = [
      { topic: TOPICS.credentials, key: poisonKey, value: '{"this is": not json', headers: {} },
      { topic: TOPICS.credentials, key: poisonKey, value: JSON.stringify(unknownType), headers: {} },
      { topic: TOPICS.credentials, key: poisonKey, value: JSON.stringify(invalidPayload), headers: {} },
    ];
    // Poison in the middle of the stream, and 5 duplicates of valid events.
    await publisher.send([...wire.slice(0, 15), ...poison, ...wire.slice(15), ...wire.slice(0, 5)]);

    runner = new BatchProjectionRunner(kafka, ds, projection, { groupId });
    await runner.start();

    await expectEventually(
      async () => {
        const [{ c, dup }] = await ds.query(`SELECT count(*)::int AS c, count(*) FILTER (WHERE n > 1)::int AS dup FROM public.${table}`);
        expect(c).toBe(30);
        expect(dup).toBe(0);
      },
      { timeoutMs: 60000 },
    );

    const dead = await expectEventually(
      async () => {
        const rows: { reason: string; error: string; topic: string; offset: string }[] = await ds.query(
          `SELECT reason, error, topic, "offset" FROM projection.dead_letters WHERE consumer_group = $1 AND msg_key = $2 ORDER BY "offset"`,
          [groupId, poisonKey],
        );
        expect(rows).toHaveLength(3);
        return rows;
      },
      { timeoutMs: 30000 },
    );
    expect(dead.map((d) => d.reason)).toEqual(['malformed_json', 'unknown_type', 'invalid_payload']);
    expect(dead[1].error).toContain('credential.teleported');
    expect(dead[2].error).toContain('profile');
    expect(dead.every((d) => d.topic === TOPICS.credentials)).toBe(true);

    // The same three are on the dead-letter topic, with the origin and reason in headers.
    dlqConsumer = kafka.consumer({ groupId: uniqueName('it-dlq-reader') });
    await dlqConsumer.connect();
    await dlqConsumer.subscribe({ topic: deadLetterTopic(groupId), fromBeginning: true });
    const seen: Record<string, string>[] = [];
    await dlqConsumer.run({
      eachMessage: async ({ message }) => {
        const h: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) h[k] = String(v);
        if (message.key?.toString() === poisonKey) seen.push(h);
      },
    });
    await expectEventually(() => expect(seen.length).toBeGreaterThanOrEqual(3), { timeoutMs: 30000 });
    expect(new Set(seen.map((h) => h['x-dead-letter-reason']))).toEqual(new Set(['malformed_json', 'unknown_type', 'invalid_payload']));
    for (const h of seen) {
      expect(h['x-original-topic']).toBe(TOPICS.credentials);
      expect(Number(h['x-original-offset'])).toBeGreaterThanOrEqual(0);
      expect(h['x-original-partition']).toMatch(/^\d+$/);
    }

    // Checkpoints never point below what Kafka holds and cover every partition we consumed.
    const cps: { next_offset: string }[] = await ds.query(`SELECT next_offset FROM projection.checkpoints WHERE projection = $1`, [
      runner.checkpoint,
    ]);
    expect(cps.length).toBeGreaterThan(0);
  });

  it('projects an event stamped in the future but never lets it move the freshness watermark', async () => {
    const futureTable = `${table}_f`;
    await ds.query(`CREATE TABLE public.${futureTable} (id uuid PRIMARY KEY)`);
    const futureOrg = newOrgId();
    const past = credentialCreatedEvent(futureOrg, new Date(Date.now() - 60_000));
    const future = credentialCreatedEvent(futureOrg, new Date(Date.now() + 86_400_000));
    const watched: Projection = {
      ...projection,
      name: `it-${futureTable}`,
      async apply(events, { tx }) {
        const mine = events.filter((e) => e.organisationid === futureOrg);
        if (mine.length) await tx.query(`INSERT INTO public.${futureTable} (id) SELECT unnest($1::uuid[]) ON CONFLICT DO NOTHING`, [mine.map((e) => e.id)]);
      },
    };
    await publisher.send([past, future].map(toOutgoingMessage));
    const r = new BatchProjectionRunner(kafka, ds, watched, { groupId: uniqueName('it-runner-future') });
    await r.start();
    try {
      await expectEventually(async () => expect((await ds.query(`SELECT count(*)::int AS c FROM public.${futureTable}`))[0].c).toBe(2), { timeoutMs: 60000 });
      const [{ t }] = await ds.query(`SELECT newest_event_time AS t FROM projection.state WHERE projection = $1`, [watched.name]);
      expect(new Date(t).getTime()).toBeGreaterThanOrEqual(Date.parse(past.time));
      expect(new Date(t).getTime()).toBeLessThanOrEqual(Date.now() + 5 * 60_000);
    } finally {
      await r.stop();
    }
  });
});
