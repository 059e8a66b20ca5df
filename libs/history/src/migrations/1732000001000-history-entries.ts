import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The history read model (schema `history`):
 * - `entries`: one row per recorded event, denormalised for the filters (`related_ids`: every entity id a
 *   relation filter can name; `search`: the text-search segments) so that no query joins at read time;
 * - `entities`: per (organisation, entity) the accumulated relations and search segments, so that entries
 *   written before a later event added a relation (a proof's credentials, a credential's holder) are updated;
 * - `counts`: entries per (organisation, day, entity type, action, source), so that `totalItems` of the
 *   unfiltered / time / action / entity type / source queries is a sum of a few hundred rows, not a count of
 *   millions.
 *
 * Indexes: keyset (organisation_id, created_date DESC, id DESC) and the same order behind each equality filter
 * (entity_id, action, entity_type, non-CORE source); GIN on `related_ids`; pg_trgm GIN on `search`.
 */
export class HistoryEntries1732000001000 implements MigrationInterface {
  name = 'HistoryEntries1732000001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`CREATE SCHEMA IF NOT EXISTS history`);
    await q.query(`CREATE TABLE history.entries (
      id uuid PRIMARY KEY,
      organisation_id text NOT NULL,
      created_date timestamptz NOT NULL,
      action text NOT NULL,
      entity_id uuid NOT NULL,
      entity_type text NOT NULL,
      name text,
      source text NOT NULL,
      target text,
      event_type text NOT NULL,
      metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
      related_ids uuid[] NOT NULL DEFAULT '{}',
      search text NOT NULL DEFAULT ''
    )`);
    for (const sql of V1_ENTRY_INDEXES) await q.query(sql);
    await q.query(`CREATE TABLE history.entities (
      organisation_id text NOT NULL,
      entity_id uuid NOT NULL,
      entity_type text NOT NULL,
      related_ids uuid[] NOT NULL DEFAULT '{}',
      segments text[] NOT NULL DEFAULT '{}',
      claims text[] NOT NULL DEFAULT '{}',
      claims_purged boolean NOT NULL DEFAULT false,
      PRIMARY KEY (organisation_id, entity_id)
    )`);
    await q.query(`CREATE TABLE history.counts (
      organisation_id text NOT NULL,
      day date NOT NULL,
      entity_type text NOT NULL,
      action text NOT NULL,
      source text NOT NULL,
      n bigint NOT NULL,
      PRIMARY KEY (organisation_id, day, entity_type, action, source)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA history CASCADE`);
  }
}

/**
 * The secondary indexes this migration creates (the current set, after 1732000002000, is `HISTORY_ENTRY_INDEXES`
 * in that migration).
 */
const V1_ENTRY_INDEXES = [
  `CREATE INDEX entries_org_created_idx ON history.entries (organisation_id, created_date DESC, id DESC)`,
  `CREATE INDEX entries_org_entity_idx ON history.entries (organisation_id, entity_id, created_date DESC, id DESC)`,
  `CREATE INDEX entries_org_action_idx ON history.entries (organisation_id, action, created_date DESC, id DESC)`,
  `CREATE INDEX entries_org_type_idx ON history.entries (organisation_id, entity_type, created_date DESC, id DESC)`,
  `CREATE INDEX entries_org_source_idx ON history.entries (organisation_id, source, created_date DESC, id DESC) WHERE source <> 'CORE'`,
  `CREATE INDEX entries_related_idx ON history.entries USING gin (related_ids)`,
  `CREATE INDEX entries_search_trgm_idx ON history.entries USING gin (search gin_trgm_ops)`,
];
