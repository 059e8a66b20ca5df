import type { Consumer, Producer } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { deadLetterTopic, type EventEnvelope } from '@cep/contracts';
import { BatchProjectionRunner, ensureTopics, type Projection } from '@cep/messaging';
import {
  brokerHostPort,
  credentialCreatedEvent,
  expectEventually,
  kafkaScript,
  newOrgId,
  portOpen,
  testDataSource,
  testKafka,
  uniqueName,
} from '@cep/testing';

/**
 * A broker outage while poison messages are in flight: the runner has fetched two partitions' batches, each
 * with poison, and the broker is SIGKILLed while the first batch is being applied. The dead letters are recorded
 * in the batch transactions regardless, and once the broker is back the dead-letter topic holds a copy of every
 * one of them (dedupe key: original topic/partition/offset), the table marks them published, and the valid
 * events are projected once. Runs on the suite's broker (`npm run test:faults` uses a private one: it is killed).
 */
describe('dead-letter copies survive a broker outage', () => {
  let ds: DataSource;
  const kafka = testKafka('dlq-outage');
  const { host, port } = brokerHostPort();
  const brokerEnv = { ...process.env, KAFKA_HOST: host, KAFKA_PORT: String(port) };
  const table = `dlq_${Math.random().toString(36).slice(2, 10)}`;
  const org = newOrgId();
  let runner: BatchProjectionRunner | undefined;
  let producer: Producer | undefined;
  let reader: Consumer | undefined;

  beforeAll(async () => {
    ds = await testDataSource();
    await ds.query(`CREATE TABLE public.${table} (id uuid PRIMARY KEY, n int NOT NULL)`);
  });

  afterAll(async () => {
    if (!(await portOpen(host, port))) kafkaScript('start', brokerEnv);
    await runner?.stop();
    await reader?.disconnect().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
    await ds.query(`DROP TABLE IF EXISTS public.${table}`);
    await ds.destroy();
  });

  it('every dead letter reaches cep.dlq.<group> after the broker was killed mid-batch', async () => {
    const topic = uniqueName('it.dlq-outage');
    const groupId = uniqueName('it-dlq-outage');
    await ensureTopics(kafka, [{ topic, numPartitions: 2 }]);

    // The first batch applied waits at this gate, so the broker dies while both partitions' batches are fetched.
    let reachGate!: () => void;
    const gateReached = new Promise<void>((r) => (reachGate = r));
    let openGate!: () => void;
    const gate = new Promise<void>((r) => (openGate = r));
    let gated = false;
    const projection: Projection = {
      name: `it-${table}`,
      version: 1,
      topics: [topic],
      handles: ['credential.created'],
      dedupe: 'runner',
      async apply(events, { tx }) {
        if (!gated) {
          gated = true;
          reachGate();
          await gate;
        }
        await tx.query(
          `INSERT INTO public.${table} (id, n) SELECT id, 1 FROM unnest($1::uuid[]) id ON CONFLICT (id) DO UPDATE SET n = public.${table}.n + 1`,
          [events.filter((e) => e.organisationid === org).map((e) => e.id)],
        );
      },
    };

    const valid: EventEnvelope[] = [];
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
    for (const partition of [0, 1]) {
      const unknownType = { ...credentialCreatedEvent(org), type: 'credential.teleported' };
      const invalidPayload = credentialCreatedEvent(org);
      (invalidPayload.data as Record<string, unknown>).profile = 'floppy-disk';
      const poison = ['{"not": json', JSON.stringify(unknownType), JSON.stringify(invalidPayload), '', '[1,2'];
      const first = credentialCreatedEvent(org);
      const last = credentialCreatedEvent(org);
      valid.push(first, last);
      await producer.send({
        topic,
        acks: -1,
        messages: [JSON.stringify(first), ...poison, JSON.stringify(last)].map((value, i) => ({ partition, key: `k-${partition}-${i}`, value })),
      });
    }
    await producer.disconnect();
    producer = undefined;

    runner = new BatchProjectionRunner(kafka, ds, projection, { groupId, partitionConcurrency: 1, lagPollMs: 0 });
    await runner.start();
    await gateReached;
    kafkaScript('kill9', brokerEnv);
    await expectEventually(async () => expect(await portOpen(host, port, 300)).toBe(false), { timeoutMs: 10000 });
    openGate();

    // Both batches commit while the broker is down: the dead letters are in the table.
    const rows = await expectEventually(
      async () => {
        const r: { topic: string; partition: number; offset: string }[] = await ds.query(
          `SELECT topic, partition, "offset" FROM projection.dead_letters WHERE consumer_group = $1`,
          [groupId],
        );
        expect(r).toHaveLength(10);
        return r;
      },
      { timeoutMs: 120000, intervalMs: 250 },
    );
    kafkaScript('start', brokerEnv);

    // The topic ends up with every dead letter: the set of origins read back equals the table's.
    const seen = new Map<string, number>();
    reader = kafka.consumer({ groupId: uniqueName('it-dlq-outage-reader') });
    await reader.connect();
    await reader.subscribe({ topic: deadLetterTopic(groupId), fromBeginning: true });
    await reader.run({
      eachMessage: async ({ message }) => {
        const h = (k: string) => String(message.headers?.[k] ?? '');
        const origin = `${h('x-original-topic')}/${h('x-original-partition')}/${h('x-original-offset')}`;
        seen.set(origin, (seen.get(origin) ?? 0) + 1);
      },
    });
    const expected = rows.map((r) => `${r.topic}/${r.partition}/${r.offset}`).sort();
    await expectEventually(() => expect([...seen.keys()].sort()).toEqual(expected), { timeoutMs: 120000, intervalMs: 250 });
    // ... and each exactly once: the relay's sends failed while the broker was down (nothing written), the idempotent
    // producer dropped its own retries, and no relay crashed between the acknowledgement and the mark
    expect([...seen.entries()].filter(([, n]) => n !== 1)).toEqual([]);

    await expectEventually(
      async () => {
        const [{ unpublished }] = await ds.query(
          `SELECT count(*) FILTER (WHERE published_at IS NULL)::int AS unpublished FROM projection.dead_letters WHERE consumer_group = $1`,
          [groupId],
        );
        expect(unpublished).toBe(0);
      },
      { timeoutMs: 30000 },
    );
    // The valid events around the poison are projected, each once.
    await expectEventually(
      async () => {
        const [{ c, dup }] = await ds.query(`SELECT count(*)::int AS c, count(*) FILTER (WHERE n > 1)::int AS dup FROM public.${table}`);
        expect({ c, dup }).toEqual({ c: valid.length, dup: 0 });
      },
      { timeoutMs: 120000 },
    );
  });
});
