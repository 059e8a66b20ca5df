import { randomUUID } from 'crypto';
import type { DataSource, QueryRunner } from 'typeorm';
import { newOrgId, testDataSource } from '@cep/testing';
import { insertActivityRecords, reduceActivities, upsertActivities, type ActivityRecordRow } from './activity.projection';

/**
 * A redelivered batch changes zero rows: not the records, not the latest state, not the counters and not the
 * `feed_position` counter (positions are reserved for the records actually inserted). Runs inside one
 * transaction that is rolled back (it holds the feed_position lock throughout, so the counter is ours to read).
 */
describe('activity projection redelivery (PostgreSQL)', () => {
  let ds: DataSource;
  beforeAll(async () => {
    ds = await testDataSource();
  });
  afterAll(async () => {
    await ds?.destroy();
  });

  const record = (org: string, activityId: string, eventType: ActivityRecordRow['eventType'], ts: string): ActivityRecordRow => ({
    id: randomUUID(),
    organisationId: org,
    activityId,
    eventType,
    timestamp: ts,
    actorProfileId: 'issuer-profile',
    recipientType: 'email',
    recipientIdentifier: `${activityId}@x.org`,
    boostUri: 'boost:1',
    credentialUri: null,
    inboxCredentialId: null,
    integrationId: null,
    source: 'test',
    metadata: null,
  });
  const apply = async (tx: QueryRunner, rows: ActivityRecordRow[]) => {
    const fresh = await insertActivityRecords({ tx }, rows);
    await upsertActivities({ tx }, reduceActivities(fresh));
    return fresh;
  };
  const checksum = async (tx: QueryRunner, org: string) => {
    const q = async (sql: string) => (await tx.query(sql, [org]))[0].c as string;
    return {
      feed: (await tx.query(`SELECT next::text AS next FROM activity.feed_position WHERE id = 1`))[0].next as string,
      records: await q(`SELECT count(*)::text || ':' || coalesce(sum(hashtext(r::text)), 0)::text AS c FROM activity.records r WHERE organisation_id = $1`),
      activities: await q(`SELECT count(*)::text || ':' || coalesce(sum(hashtext(a::text)), 0)::text AS c FROM activity.activities a WHERE organisation_id = $1`),
      counters: await q(`SELECT count(*)::text || ':' || coalesce(sum(hashtext(s::text)), 0)::text AS c FROM activity.stats_counters s WHERE organisation_id = $1`),
    };
  };

  it('duplicates reserve no feed positions and change no rows; a mixed batch reserves positions for its new records only', async () => {
    const org = newOrgId();
    const a1 = randomUUID();
    const a2 = randomUUID();
    const first = [record(org, a1, 'CREATED', '2026-01-01T10:00:00.000Z'), record(org, a2, 'CREATED', '2026-01-01T10:01:00.000Z')];
    const tx = ds.createQueryRunner();
    await tx.connect();
    await tx.startTransaction();
    try {
      expect(await apply(tx, first)).toHaveLength(2);
      const before = await checksum(tx, org);

      // the same batch again, and with each record twice: nothing new, zero rows changed
      expect(await apply(tx, first)).toHaveLength(0);
      expect(await apply(tx, [...first, ...first])).toHaveLength(0);
      expect(await checksum(tx, org)).toEqual(before);

      // one duplicate + one new record: exactly one position, right after the previous ones
      const claim = record(org, a1, 'CLAIMED', '2026-01-01T11:00:00.000Z');
      expect((await apply(tx, [first[0], claim])).map((r) => r.id)).toEqual([claim.id]);
      const after = await checksum(tx, org);
      expect(BigInt(after.feed)).toBe(BigInt(before.feed) + 1n);
      const [{ position }] = await tx.query(`SELECT position::text AS position FROM activity.records WHERE id = $1`, [claim.id]);
      expect(BigInt(position)).toBe(BigInt(before.feed));
    } finally {
      await tx.rollbackTransaction();
      await tx.release();
    }
  });
});
