import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read model of the daily credential reports: one row per organisation, UTC day, operation, profile and
 * credential type, holding the day's 96 fifteen-minute buckets as cumulative counts
 * (`cum[i]` = operations in [00:00, i*15min) UTC; `cum[96]` = the day's total).
 */
export class ReportDailyCounts1732000030000 implements MigrationInterface {
  name = 'ReportDailyCounts1732000030000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS reports`);
    await q.query(`CREATE TABLE reports.daily_counts (
      organisation_id text NOT NULL,
      day date NOT NULL,
      operation text COLLATE "C" NOT NULL CHECK (operation IN ('issued', 'status_changed')),
      profile text COLLATE "C" NOT NULL,
      credential_type text COLLATE "C" NOT NULL DEFAULT '',
      cum bigint[] NOT NULL CHECK (array_lower(cum, 1) = 1 AND array_upper(cum, 1) = 96),
      PRIMARY KEY (organisation_id, day, operation, profile, credential_type)
    )`);
    await q.query(`CREATE FUNCTION reports.add_counts(a bigint[], b bigint[]) RETURNS bigint[]
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
      AS $$ SELECT array_agg(x + y ORDER BY i) FROM unnest(a, b) WITH ORDINALITY AS u(x, y, i) $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA reports CASCADE`);
  }
}
