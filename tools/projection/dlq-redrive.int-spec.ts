import { TOPICS } from '@cep/contracts';
import { credentialCreatedEvent, expectEventually, newOrgId, testConfig, testDataSource, testKafka, uniqueName } from '@cep/testing';
import type { DataSource } from 'typeorm';
import { redriveDeadLetters } from './dlq-redrive';

/** Re-drive: a dead letter goes back to its original topic with its key, once, and is marked. */
describe('dlq:redrive', () => {
  let ds: DataSource;
  beforeAll(async () => (ds = await testDataSource()));
  afterAll(async () => ds.destroy());

  it('republishes unredriven dead letters of a group (filtered by reason) and marks them', async () => {
    const group = uniqueName('redrive');
    const fixed = credentialCreatedEvent(newOrgId());
    const other = credentialCreatedEvent(newOrgId());
    await ds.query(
      `INSERT INTO projection.dead_letters (consumer_group, topic, partition, "offset", reason, error, event_id, event_type, msg_key, payload)
       VALUES ($1, $2, 0, 1, 'projection_failed', 'boom', $3, $4, $5, $6), ($1, $2, 0, 2, 'invalid_payload', 'bad', $7, $4, $8, $9)`,
      [group, TOPICS.credentials, fixed.id, fixed.type, fixed.subject, JSON.stringify(fixed), other.id, other.subject, JSON.stringify(other)],
    );
    const kafka = testKafka('redrive-int');
    const admin = kafka.admin();
    await admin.connect();
    const before = await admin.fetchTopicOffsets(TOPICS.credentials);
    await admin.disconnect();

    const dry = await redriveDeadLetters({ group, reason: 'projection_failed', dryRun: true }, testConfig());
    expect(dry).toEqual({ selected: 1, redriven: 0, byReason: { projection_failed: 1 } });
    const r = await redriveDeadLetters({ group, reason: 'projection_failed' }, testConfig());
    expect(r.redriven).toBe(1);
    expect((await redriveDeadLetters({ group, reason: 'projection_failed' }, testConfig())).selected).toBe(0);
    const marks = await ds.query(`SELECT reason, redriven_at IS NOT NULL AS done FROM projection.dead_letters WHERE consumer_group = $1 ORDER BY "offset"`, [group]);
    expect(marks).toEqual([
      { reason: 'projection_failed', done: true },
      { reason: 'invalid_payload', done: false },
    ]);

    // The message is back on its topic, keyed as before.
    const consumer = kafka.consumer({ groupId: uniqueName('redrive-check') });
    const found: { key: string; redriven: string }[] = [];
    await consumer.connect();
    await consumer.subscribe({ topics: [TOPICS.credentials], fromBeginning: false });
    consumer.on(consumer.events.GROUP_JOIN, () => {
      for (const o of before) consumer.seek({ topic: TOPICS.credentials, partition: o.partition, offset: o.high });
    });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (message.headers?.ce_id?.toString() === fixed.id) found.push({ key: message.key!.toString(), redriven: String(message.headers['x-redriven-from']) });
      },
    });
    try {
      await expectEventually(() => expect(found).toEqual([{ key: fixed.subject, redriven: `${TOPICS.credentials}/0/1` }]), { timeoutMs: 30000 });
    } finally {
      await consumer.disconnect();
    }
  });
});
