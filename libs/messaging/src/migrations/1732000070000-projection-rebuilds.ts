import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Registry of read-model rebuilds (`npm run projection:rebuild`): which schema version serves a projection,
 * when it was built and swapped in, and which schema it replaced (kept for rollback unless dropped).
 */
export class ProjectionRebuilds1732000070000 implements MigrationInterface {
  name = 'ProjectionRebuilds1732000070000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE projection.rebuilds (
      id text PRIMARY KEY,
      projection text NOT NULL,
      schema_name text NOT NULL,
      build_schema text NOT NULL,
      status text NOT NULL CHECK (status IN ('building', 'swapped', 'failed')),
      started_at timestamptz NOT NULL DEFAULT now(),
      swapped_at timestamptz,
      previous_schema text,
      previous_dropped boolean NOT NULL DEFAULT false,
      events_applied bigint,
      error text
    )`);
    await q.query(`CREATE INDEX rebuilds_projection_idx ON projection.rebuilds (projection, started_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE projection.rebuilds`);
  }
}
