import { randomUUID } from 'crypto';
import type { DataSource } from 'typeorm';
import { newOrgId, testDataSource } from '@cep/testing';
import { insertActivityRecords, reduceActivities, upsertActivities, type ActivityRecordRow } from './activity.projection';

/**
 * The send of an issuance comes from the credentials topic, its claim from the wallet topic: whichever partition's
 * batch comes first creates the latest-state row. The result must not depend on that order (nor on the order inside
 * one batch): the send's identifying fields win, also when the send has no boostUri / integrationId and the claim
 * carries one.
 */
describe('activity latest state: independent of arrival order (PostgreSQL)', () => {
  let ds: DataSource;
  beforeAll(async () => {
    ds = await testDataSource();
  });
  afterAll(async () => ds?.destroy());

  const record = (org: string, activityId: string, over: Partial<ActivityRecordRow>): ActivityRecordRow => ({
    id: randomUUID(),
    organisationId: org,
    activityId,
    eventType: 'CREATED',
    timestamp: '2026-01-01T10:00:00.000Z',
    actorProfileId: 'issuer-profile',
    recipientType: 'email',
    recipientIdentifier: 'holder@x.org',
    boostUri: null,
    credentialUri: null,
    inboxCredentialId: null,
    integrationId: null,
    source: 'test',
    metadata: null,
    ...over,
  });

  const applyBatch = async (rows: ActivityRecordRow[]) => {
    const tx = ds.createQueryRunner();
    await tx.connect();
    await tx.startTransaction();
    try {
      await upsertActivities({ tx }, reduceActivities(await insertActivityRecords({ tx }, rows)));
      await tx.commitTransaction();
    } finally {
      await tx.release();
    }
  };

  /** The issuance's state and the organisation's non-zero counters (a key an issuance moved off keeps a zero row). */
  const stateOf = async (org: string) => ({
    activities: await ds.query(
      `SELECT latest_event_type, latest_ts, boost_uri, integration_id, recipient_type, recipient_identifier, started_at, sent_at, claimed_at, event_count
         FROM activity.activities WHERE organisation_id = $1`,
      [org],
    ),
    counters: await ds.query(
      `SELECT grain, boost_uri, integration_id, day, total, events, created, delivered, claimed, expired, failed, ttc_count
         FROM activity.stats_counters
        WHERE organisation_id = $1 AND (total, events, created, delivered, claimed, expired, failed, ttc_count) <> (0, 0, 0, 0, 0, 0, 0, 0)
        ORDER BY grain, boost_uri, integration_id, day`,
      [org],
    ),
  });

  type Plan = (send: ActivityRecordRow, claim: ActivityRecordRow) => ActivityRecordRow[][];
  const plans: [string, Plan][] = [
    ['send batch, then claim batch', (s, c) => [[s], [c]]],
    ['claim batch, then send batch', (s, c) => [[c], [s]]],
    ['one batch, send first', (s, c) => [[s, c]]],
    ['one batch, claim first', (s, c) => [[c, s]]],
  ];

  it('every arrival order gives the same row and counters; the send defines template, integration and recipient', async () => {
    const results = [];
    for (const [label, plan] of plans) {
      const org = newOrgId();
      const activityId = randomUUID();
      const send = record(org, activityId, { eventType: 'CREATED', timestamp: '2026-01-01T10:00:00.000Z' });
      const claim = record(org, activityId, {
        eventType: 'CLAIMED',
        timestamp: '2026-01-01T10:05:00.000Z',
        recipientType: 'profile',
        recipientIdentifier: 'holder-profile',
        boostUri: 'boost:from-claim',
        integrationId: 'integration:from-claim',
      });
      for (const batch of plan(send, claim)) await applyBatch(batch);
      results.push({ label, ...(await stateOf(org)) });
    }
    const [first, ...rest] = results;
    expect(first.activities).toEqual([
      expect.objectContaining({ latest_event_type: 'CLAIMED', boost_uri: null, integration_id: null, recipient_type: 'email', recipient_identifier: 'holder@x.org', event_count: 2 }),
    ]);
    for (const r of rest) expect({ label: r.label, activities: r.activities, counters: r.counters }).toEqual({ label: r.label, activities: first.activities, counters: first.counters });
  });
});
