import type { MigrationInterface, QueryRunner } from 'typeorm';

export class HistoryEntries1732000001000 implements MigrationInterface {
  name = 'HistoryEntries1732000001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS history`);
    await q.query(`CREATE TABLE history.entries (
      id uuid PRIMARY KEY,
      organisation_id text NOT NULL,
      created_date timestamptz NOT NULL,
      action text NOT NULL,
      entity_id text NOT NULL,
      entity_type text NOT NULL,
      name text,
      source text NOT NULL DEFAULT 'CORE',
      target text,
      event_type text NOT NULL,
      metadata jsonb NOT NULL DEFAULT '{}'::jsonb
    )`);
    await q.query(`CREATE INDEX entries_org_created_idx ON history.entries (organisation_id, created_date DESC, id DESC)`);
    await q.query(`CREATE INDEX entries_org_entity_idx ON history.entries (organisation_id, entity_id, created_date DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA history CASCADE`);
  }
}
