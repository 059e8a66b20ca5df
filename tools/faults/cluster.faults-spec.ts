import type { Consumer, Kafka } from 'kafkajs';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { signDevToken } from '@cep/auth';
import { ALL_TOPICS } from '@cep/contracts';
import { DEV_JWT_SECRET } from '@cep/platform';
import { EventPublisher, type OutgoingMessage } from '@cep/messaging';
import { startApp, testDataSource, testKafka, uniqueName, type AppHandle } from '@cep/testing';
import { publishPaced } from '../../libs/testing/src/faults/paced-publish';
import { ALL_CLUSTER_FAULTS, CLUSTER_PROFILES, ClusterFaultSuite, LocalKafkaCluster, type ClusterFaultName } from '../../libs/testing/src/faults/cluster';
import { FAULT_ADAPTERS } from './adapters';

/**
 * A three-broker KRaft cluster (tools/kafka/cluster.sh, ports 39092/39192/39292) with topics at replication factor 3
 * and min.insync.replicas 2, the four projectors and the issuer against it, and its own database (the topics'
 * offsets are not the single broker's, so the checkpoints must not be shared with the other fault suites).
 * The workload goes the producers' way: written to an outbox, published by the `OutboxRelay`.
 * Faults: kill -9 of the leader of the busiest partitions, kill -9 of the active controller, a rolling restart of
 * all three nodes, SIGSTOP of a leader for longer than the session timeouts. Each: every read model equals its
 * oracle (0 lost, 0 doubled), no projector process had to be restarted, recovery time reported.
 * The `EventPublisher` on its own loses nothing when a leader it writes to is killed mid-send.
 * The issuer keeps answering commands with one broker down and its outbox drains to the topics, nothing lost (copies
 * from the at-least-once relay counted).
 * FAULTS_PROFILE=ci|full (full: 100,000 events per fault); CLUSTER_FAULTS=leader-kill9,... or all chooses the faults.
 */
const profile = CLUSTER_PROFILES[process.env.FAULTS_PROFILE ?? 'ci'];
if (!profile) throw new Error(`unknown FAULTS_PROFILE ${process.env.FAULTS_PROFILE}`);
/**
 * The CI profile (`npm test`) runs the two faults that move partition leadership away from a live writer
 * (leader-kill9, partition-sigstop: where events were lost before the publisher checked its acknowledgements) to stay
 * within about 4 minutes; the full profile runs all four. CLUSTER_FAULTS=all (or a list) overrides either.
 */
const CI_CLUSTER_FAULTS: ClusterFaultName[] = ['leader-kill9', 'partition-sigstop'];
const faults = (
  process.env.CLUSTER_FAULTS && process.env.CLUSTER_FAULTS !== 'all'
    ? process.env.CLUSTER_FAULTS.split(',')
    : profile.name === 'ci' && !process.env.CLUSTER_FAULTS
      ? CI_CLUSTER_FAULTS
      : ALL_CLUSTER_FAULTS
) as ClusterFaultName[];
/**
 * The publisher on its own (no outbox) against a leader kill: in the full profile, or with CLUSTER_PUBLISHER_TEST=1.
 * The CI profile leaves it out to stay within its time; its logic is unit-tested (event-publisher.spec.ts) and the
 * CI faults send through the same publisher, via the outbox relay.
 */
const publisherTest = profile.name === 'full' || process.env.CLUSTER_PUBLISHER_TEST === '1';
const ISSUER_PORT = 4950;

/** Leadership moves during and after the faults: a metadata request may meet a broker that no longer leads. */
async function retry<T>(fn: () => Promise<T>, timeoutMs = 60000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

describe(`three-broker cluster faults (${profile.name}: ${profile.events} events per fault)`, () => {
  const cluster = new LocalKafkaCluster();
  const savedEnv = { DATABASE_URL: process.env.DATABASE_URL, KAFKA_BROKERS: process.env.KAFKA_BROKERS };
  let dbName: string | undefined;
  let ds: DataSource | undefined;
  let kafka: Kafka;
  let suite: ClusterFaultSuite | undefined;

  const adminUrl = () => {
    const u = new URL(savedEnv.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
    u.pathname = '/postgres';
    return u.toString();
  };

  beforeAll(async () => {
    await cluster.startFresh();
    dbName = `cep_cluster_${Date.now().toString(36)}_${process.pid}`;
    const u = new URL(adminUrl());
    u.pathname = `/${dbName}`;
    process.env.DATABASE_URL = u.toString();
    process.env.KAFKA_BROKERS = cluster.brokers;
    const { migrate } = await import('../db/migrate');
    const { createTopics } = await import('../kafka/create-topics');
    await migrate(process.env.DATABASE_URL);
    // Right after the cluster starts a broker may answer the topics' metadata with "does not host this
    // topic-partition" (kafkajs' waitForLeaders retries only "leader not available"); creating is idempotent.
    await retry(() => createTopics({ ...process.env, KAFKA_REPLICATION_FACTOR: '3', KAFKA_MIN_INSYNC_REPLICAS: '2' }), 120000);
    ds = await testDataSource();
    kafka = testKafka('cluster-faults');
    suite = new ClusterFaultSuite(ds, kafka, cluster, FAULT_ADAPTERS, profile, process.env.DATABASE_URL!);
    await suite.setUp();
  }, 600000);

  afterAll(async () => {
    await suite?.tearDown().catch(() => undefined);
    if (suite?.results.length) process.stdout.write(`\nCluster fault results (${profile.name})\n${suite.table()}\n`);
    await ds?.destroy().catch(() => undefined);
    await cluster.stop().catch((e) => process.stderr.write(`cluster stop: ${String(e)}\n`));
    process.env.DATABASE_URL = savedEnv.DATABASE_URL;
    process.env.KAFKA_BROKERS = savedEnv.KAFKA_BROKERS;
    if (dbName && !process.env.KEEP_TEST_DATABASE) {
      const c = new Client({ connectionString: adminUrl() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch(() => undefined);
      await c.end();
    }
  }, 300000);

  it('every platform topic has three replicas, all in sync, and min.insync.replicas 2', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const meta = await retry(() => admin.fetchTopicMetadata({ topics: [...ALL_TOPICS] }));
      const replicas = [...new Set(meta.topics.flatMap((t) => t.partitions.map((p) => `${p.replicas.length}/${p.isr.length}`)))];
      const configs = await admin.describeConfigs({
        includeSynonyms: false,
        resources: ALL_TOPICS.map((name) => ({ type: 2 /* TOPIC */, name, configNames: ['min.insync.replicas'] })),
      });
      const minIsr = [...new Set(configs.resources.map((r) => r.configEntries.find((e) => e.configName === 'min.insync.replicas')?.configValue))];
      expect({ replicas, minIsr }).toEqual({ replicas: ['3/3'], minIsr: ['2'] });
    } finally {
      await admin.disconnect();
    }
  });

  (publisherTest ? it : it.skip)('the event publisher loses nothing when the leader of a partition it is writing to is killed mid-send', async () => {
    // kafkajs 2.2 resolved such a send without writing the partitions whose leadership had moved to a broker that had
    // already answered (EventPublisher now checks every partition's acknowledgement and replaces its producer).
    const admin = kafka.admin();
    await admin.connect();
    const topic = uniqueName('cep.cluster-faults.publisher');
    const publisher = new EventPublisher(kafka);
    const consumer = kafka.consumer({ groupId: uniqueName('cluster-publisher-check') });
    try {
      await retry(() =>
        admin.createTopics({ topics: [{ topic, numPartitions: 6, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] }] }),
      );
      await retry(async () => {
        const meta = await admin.fetchTopicMetadata({ topics: [topic] });
        if (meta.topics[0].partitions.some((p) => p.leader < 0 || p.isr.length < 3)) throw new Error('not replicated yet');
      });
      const count = profile.name === 'full' ? 50000 : 6000;
      const messages: OutgoingMessage[] = Array.from({ length: count }, (_, i) => ({ topic, key: `key-${i % 997}`, value: String(i), headers: {} }));
      await publisher.connect();
      const publishing = publishPaced(publisher, messages, 1000);
      await new Promise((r) => setTimeout(r, 3000));
      const leader = (await retry(() => cluster.leaders(admin, [topic]))).get(`${topic}/0`)!;
      await cluster.kill9(leader);
      await new Promise((r) => setTimeout(r, profile.downSeconds * 1000));
      await cluster.startNode(leader);
      await publishing;
      const seen = new Map<string, number>();
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          const v = message.value?.toString('utf8') ?? '';
          seen.set(v, (seen.get(v) ?? 0) + 1);
        },
      });
      const onTopic = (await retry(() => admin.fetchTopicOffsets(topic))).reduce((n, o) => n + Number(o.high), 0);
      const deadline = Date.now() + 120000;
      while ([...seen.values()].reduce((a, b) => a + b, 0) < onTopic && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
      const lost = messages.filter((m) => !seen.has(m.value)).length;
      const copies = [...seen.values()].reduce((n, c) => n + c - 1, 0);
      process.stdout.write(
        `[cluster-faults] publisher: kill -9 node ${leader} (leader of ${topic}/0) mid-send; ${count} messages, ${onTopic} records on the topic, lost ${lost}, copies ${copies}, producer replaced ${publisher.resets}×\n`,
      );
      expect({ lost, unexpected: [...seen.keys()].filter((v) => !(Number(v) >= 0 && Number(v) < count)).length }).toEqual({ lost: 0, unexpected: 0 });
    } finally {
      await consumer.disconnect().catch(() => undefined);
      await publisher.disconnect().catch(() => undefined);
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  });

  it.each(faults)('%s: every read model equals its oracle, nothing lost or doubled, no projector restarted', async (fault) => {
    const results = await suite!.run(fault);
    for (const r of results) {
      const { projector, lost, doubled, unexpected, restarts } = r;
      expect({ projector, lost, doubled, unexpected, restarts, notes: r.pass ? [] : r.notes }).toEqual({
        projector,
        lost: 0,
        doubled: 0,
        unexpected: 0,
        restarts: 0,
        notes: [],
      });
      expect(r.rowsOut).toBeGreaterThan(0);
    }
  });

  it('the issuer keeps accepting commands with one broker down; its outbox drains onto the topics, nothing lost', async () => {
    const org = crypto.randomUUID();
    const issuer: AppHandle = await startApp('issuer', { port: ISSUER_PORT, env: { WALLET_POLICY_GROUP_ID: uniqueName('cluster-issuer-policy') } });
    const onTopic = new Map<string, number>();
    // A reader of every topic from the current ends (the faults' messages before are not read again): the group's
    // offsets are set to the high watermarks before it first joins.
    const groupId = uniqueName('cluster-outbox-check');
    const consumer: Consumer = kafka.consumer({ groupId, sessionTimeout: 10000, heartbeatInterval: 1000 });
    try {
      const setup = kafka.admin();
      await setup.connect();
      for (const topic of ALL_TOPICS) {
        const ends = await retry(() => setup.fetchTopicOffsets(topic));
        await setup.setOffsets({ groupId, topic, partitions: ends.map((e) => ({ partition: e.partition, offset: e.high })) });
      }
      await setup.disconnect();
      await consumer.connect();
      await consumer.subscribe({ topics: [...ALL_TOPICS], fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          try {
            const e = JSON.parse(message.value?.toString('utf8') ?? '{}');
            if (e.organisationid === org) onTopic.set(e.id, (onTopic.get(e.id) ?? 0) + 1);
          } catch {
            /* not an event */
          }
        },
      });
      const token = await signDevToken({ secret: DEV_JWT_SECRET, org, scope: 'events:write', subject: 'cluster-faults' });
      const post = async (path: string, body: unknown) => {
        const r = await fetch(`${issuer.url}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        return { status: r.status, body: (await r.json()) as { id: string } };
      };
      const schema = await post('/v1/credential-schemas', { name: 'Badge', profile: 'jwt-vc', credentialType: 'VerifiedEmployee', claimNames: ['name'] });
      expect(schema.status).toBe(201);

      // The node leading most of the credential topics' partitions goes down (kill -9) while commands keep coming.
      const admin = kafka.admin();
      await admin.connect();
      const leaders = await retry(() => cluster.leaders(admin, [...ALL_TOPICS]));
      await admin.disconnect();
      const count = new Map<number, number>();
      for (const n of leaders.values()) count.set(n, (count.get(n) ?? 0) + 1);
      const down = [...count].sort((a, b) => b[1] - a[1])[0][0];
      await cluster.kill9(down);
      const tDown = Date.now();
      const commands = profile.name === 'full' ? 500 : 100;
      const statuses: number[] = [];
      let maxBacklog = 0;
      const backlog = async () =>
        Number((await ds!.query(`SELECT count(*)::int AS n FROM issuer.outbox WHERE published_at IS NULL`))[0].n);
      for (let i = 0; i < commands; i += 5) {
        const batch = await Promise.all(
          Array.from({ length: Math.min(5, commands - i) }, (_, j) =>
            post('/v1/credentials', {
              schemaId: schema.body.id,
              profile: 'jwt-vc',
              credentialType: 'VerifiedEmployee',
              claims: [{ name: 'name', value: `Ada ${i + j}` }],
              issuerDid: { id: crypto.randomUUID(), did: 'did:key:z6MkClusterIssuer', name: 'HR' },
              recipient: { type: 'profile', identifier: `profile-holder-${i + j}` },
              boostUri: 'lc:network:example.com/boosts/badge',
              integrationId: 'hr',
            }),
          ),
        );
        statuses.push(...batch.map((b) => b.status));
        maxBacklog = Math.max(maxBacklog, await backlog());
      }
      const acceptedMs = Date.now() - tDown;
      await cluster.startNode(down);
      const tBack = Date.now();
      const deadline = Date.now() + 120000;
      while ((await backlog()) > 0) {
        if (Date.now() > deadline) throw new Error(`outbox not drained 120 s after the broker came back: ${await backlog()} rows`);
        await new Promise((r) => setTimeout(r, 250));
      }
      const drainedMs = Date.now() - tBack;
      const outboxIds: string[] = (
        await ds!.query(`SELECT event_id::text AS id FROM issuer.outbox WHERE payload::jsonb ->> 'organisationid' = $1`, [org])
      ).map((r: { id: string }) => r.id);
      const waitTopic = Date.now() + 60000;
      while (outboxIds.some((id) => !onTopic.has(id)) && Date.now() < waitTopic) await new Promise((r) => setTimeout(r, 250));
      const lost = outboxIds.filter((id) => !onTopic.has(id)).length;
      const doubled = [...onTopic.values()].reduce((s, n) => s + n - 1, 0);
      const unexpected = [...onTopic.keys()].filter((id) => !outboxIds.includes(id)).length;
      process.stdout.write(
        `[cluster-faults] outbox: node ${down} down (kill -9); ${commands} commands answered ${[...new Set(statuses)].join('/')} in ${(acceptedMs / 1000).toFixed(1)} s; ` +
          `max unpublished rows ${maxBacklog}; drained ${(drainedMs / 1000).toFixed(1)} s after the node was back; ${outboxIds.length} outbox events, lost ${lost}, doubled ${doubled}, unexpected ${unexpected}\n`,
      );
      // The relay delivers at least once: a batch spans several partitions, the send fails as a whole when one of
      // their leaders dies, the relay rolls back and sends the whole batch again, so what the other partitions had
      // already written appears twice. Copies are counted and reported, not forbidden (the projectors apply each
      // event id once: the faults above). Nothing may be lost, nothing may appear that the outbox does not hold.
      expect({ statuses: [...new Set(statuses)], outboxEvents: outboxIds.length > commands, lost, unexpected }).toEqual({
        statuses: [201],
        outboxEvents: true,
        lost: 0,
        unexpected: 0,
      });
    } finally {
      await consumer.disconnect().catch(() => undefined);
      await issuer.kill('SIGTERM');
    }
  });
});
