import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Pre-aggregated activity stats, maintained by the projection in the same transaction as `activity.activities`
 * (old state −1, new state +1 at each change of an issuance's latest state), so stats never scan the issuances:
 *
 * - `stats_counters`: per organisation, UTC cohort day (the day of the issuance's first event, `started_at`) and
 *   grain, the number of issuances by latest state, their events and how many have a time to claim. Four grains
 *   (grouping sets) so that every filter combination reads only a few hundred rows:
 *   0 = (day), 1 = (day, boostUri), 2 = (day, integrationId), 3 = (day, boostUri, integrationId).
 *   Dimensions not in the grain are NULL; a NULL boostUri/integrationId of an issuance is kept as NULL in the
 *   grains that have that dimension (unique NULLS NOT DISTINCT).
 * - `ttc_histogram`: the same keys plus a time-to-claim bucket (`activity.ttc_bucket`): eighth-octave buckets,
 *   bucket 0 = under 1 s, bucket b ≥ 1 = [1000·2^((b−1)/8), 1000·2^(b/8)) ms (each bucket ≤ 9.06 % wide).
 *   Grains 4..7 hold the same histograms rolled up per UTC month (`day` = the month's first day), so a long
 *   window reads whole months plus the days at its ends.
 * - partial indexes on the issuances that have a time to claim, for the exact percentiles of small sets.
 *
 * Backfilled from the existing `activity.activities` rows (run before the new projector version starts).
 */
export const TTC_BUCKET_FUNCTION_SQL = `CREATE OR REPLACE FUNCTION activity.ttc_bucket(ms double precision) RETURNS smallint
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
  $$ SELECT CASE WHEN ms IS NULL THEN NULL WHEN ms < 1000 THEN 0 ELSE (1 + floor(8 * ln(ms / 1000) / ln(2)))::smallint END $$`;

/**
 * Adds every issuance of `activity.activities` (optionally of one organisation) to the counters and the
 * histogram. Used by the migration and by the benchmark after its COPY load.
 */
export async function backfillActivityStats(q: { query(sql: string, params?: unknown[]): Promise<unknown> }, organisationId?: string): Promise<void> {
  const where = organisationId ? 'WHERE a.organisation_id = $1' : '';
  const params = organisationId ? [organisationId] : [];
  const grains = `(VALUES (0::smallint, false, false), (1::smallint, true, false), (2::smallint, false, true), (3::smallint, true, true)) AS g(grain, by_boost, by_integration)`;
  await q.query(
    `INSERT INTO activity.stats_counters AS c (organisation_id, grain, boost_uri, integration_id, day, total, events, created, delivered, claimed, expired, failed, ttc_count)
     SELECT a.organisation_id, g.grain, CASE WHEN g.by_boost THEN a.boost_uri END, CASE WHEN g.by_integration THEN a.integration_id END,
            (a.started_at AT TIME ZONE 'UTC')::date,
            count(*), sum(a.event_count),
            count(*) FILTER (WHERE a.latest_event_type = 'CREATED'), count(*) FILTER (WHERE a.latest_event_type = 'DELIVERED'),
            count(*) FILTER (WHERE a.latest_event_type = 'CLAIMED'), count(*) FILTER (WHERE a.latest_event_type = 'EXPIRED'),
            count(*) FILTER (WHERE a.latest_event_type = 'FAILED'),
            count(*) FILTER (WHERE a.sent_at IS NOT NULL AND a.claimed_at IS NOT NULL)
     FROM activity.activities a CROSS JOIN ${grains} ${where}
     GROUP BY 1, 2, 3, 4, 5
     ON CONFLICT (organisation_id, grain, boost_uri, integration_id, day) DO UPDATE SET
       total = c.total + EXCLUDED.total, events = c.events + EXCLUDED.events, created = c.created + EXCLUDED.created,
       delivered = c.delivered + EXCLUDED.delivered, claimed = c.claimed + EXCLUDED.claimed, expired = c.expired + EXCLUDED.expired,
       failed = c.failed + EXCLUDED.failed, ttc_count = c.ttc_count + EXCLUDED.ttc_count`,
    params,
  );
  await q.query(
    `INSERT INTO activity.ttc_histogram AS h (organisation_id, grain, boost_uri, integration_id, day, bucket, n)
     SELECT a.organisation_id, g.grain + m.offs, CASE WHEN g.by_boost THEN a.boost_uri END, CASE WHEN g.by_integration THEN a.integration_id END,
            CASE WHEN m.monthly THEN date_trunc('month', a.started_at AT TIME ZONE 'UTC')::date ELSE (a.started_at AT TIME ZONE 'UTC')::date END,
            activity.ttc_bucket(extract(epoch FROM a.claimed_at - a.sent_at) * 1000), count(*)
     FROM activity.activities a CROSS JOIN ${grains} CROSS JOIN (VALUES (0::smallint, false), (4::smallint, true)) AS m(offs, monthly)
     ${where ? `${where} AND` : 'WHERE'} a.sent_at IS NOT NULL AND a.claimed_at IS NOT NULL
     GROUP BY 1, 2, 3, 4, 5, 6
     ON CONFLICT (organisation_id, grain, boost_uri, integration_id, day, bucket) DO UPDATE SET n = h.n + EXCLUDED.n`,
    params,
  );
}

export class ActivityStatsCounters1732000041000 implements MigrationInterface {
  name = 'ActivityStatsCounters1732000041000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(TTC_BUCKET_FUNCTION_SQL);
    await q.query(`CREATE TABLE activity.stats_counters (
      organisation_id text NOT NULL,
      grain smallint NOT NULL,
      boost_uri text,
      integration_id text,
      day date NOT NULL,
      total bigint NOT NULL,
      events bigint NOT NULL,
      created bigint NOT NULL,
      delivered bigint NOT NULL,
      claimed bigint NOT NULL,
      expired bigint NOT NULL,
      failed bigint NOT NULL,
      ttc_count bigint NOT NULL,
      CONSTRAINT stats_counters_key UNIQUE NULLS NOT DISTINCT (organisation_id, grain, boost_uri, integration_id, day)
    )`);
    await q.query(`CREATE TABLE activity.ttc_histogram (
      organisation_id text NOT NULL,
      grain smallint NOT NULL,
      boost_uri text,
      integration_id text,
      day date NOT NULL,
      bucket smallint NOT NULL,
      n bigint NOT NULL,
      CONSTRAINT ttc_histogram_key UNIQUE NULLS NOT DISTINCT (organisation_id, grain, boost_uri, integration_id, day, bucket)
    )`);
    // Exact time-to-claim percentiles for small sets scan only the issuances that have one, by the filter used.
    const ttc = `WHERE sent_at IS NOT NULL AND claimed_at IS NOT NULL`;
    await q.query(`CREATE INDEX activities_ttc_org_idx ON activity.activities (organisation_id, started_at) INCLUDE (sent_at, claimed_at) ${ttc}`);
    await q.query(`CREATE INDEX activities_ttc_boost_idx ON activity.activities (organisation_id, boost_uri, started_at) INCLUDE (sent_at, claimed_at) ${ttc}`);
    await q.query(`CREATE INDEX activities_ttc_integration_idx ON activity.activities (organisation_id, integration_id, started_at) INCLUDE (sent_at, claimed_at) ${ttc}`);
    await q.query(
      `CREATE INDEX activities_ttc_boost_integration_idx ON activity.activities (organisation_id, boost_uri, integration_id, started_at) INCLUDE (sent_at, claimed_at) ${ttc}`,
    );
    // Stats no longer filter the issuances by template / integration (only the partial edge days, by start time).
    await q.query(`DROP INDEX IF EXISTS activity.activities_org_boost_idx`);
    await q.query(`DROP INDEX IF EXISTS activity.activities_org_integration_idx`);
    await backfillActivityStats(q);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX IF NOT EXISTS activities_org_boost_idx ON activity.activities (organisation_id, boost_uri, started_at)`);
    await q.query(`CREATE INDEX IF NOT EXISTS activities_org_integration_idx ON activity.activities (organisation_id, integration_id, started_at)`);
    for (const i of ['activities_ttc_org_idx', 'activities_ttc_boost_idx', 'activities_ttc_integration_idx', 'activities_ttc_boost_integration_idx']) {
      await q.query(`DROP INDEX IF EXISTS activity.${i}`);
    }
    await q.query(`DROP TABLE activity.ttc_histogram`);
    await q.query(`DROP TABLE activity.stats_counters`);
    await q.query(`DROP FUNCTION activity.ttc_bucket(double precision)`);
  }
}
