import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Search columns per `searchType` (`s_<tag>`, the entity's values of that type joined by U+001F, NULL when none),
 * each with its own partial pg_trgm GIN index, instead of one tagged `search` document: a typed search reads only
 * its own (short) values, no regex; the untyped search is an OR of the eight (a BitmapOr of eight small scans).
 *
 * `history.related_counts`: entries per (organisation, related id, UTC day, entity type, action, source) for every
 * related id other than the entry's own entity (the own entries are counted exactly through the entity index), so
 * that `totalItems` of a relation filter (`credentialSchemaId`, `didId`, ...) plus window / action / type / source
 * is a sum over a few hundred counter rows instead of a count of a GIN bitmap.
 */
export const SEARCH_COLUMNS = ['s_cn', 's_cv', 's_csn', 's_idid', 's_iname', 's_vdid', 's_vname', 's_psn'] as const;

/** The secondary indexes of `history.entries` now (also used by the benchmark to build an identical raw-COPY table). */
export const HISTORY_ENTRY_INDEXES = [
  `CREATE INDEX entries_org_created_idx ON history.entries (organisation_id, created_date DESC, id DESC)`,
  `CREATE INDEX entries_org_entity_idx ON history.entries (organisation_id, entity_id, created_date DESC, id DESC)`,
  `CREATE INDEX entries_org_action_idx ON history.entries (organisation_id, action, created_date DESC, id DESC)`,
  `CREATE INDEX entries_org_type_idx ON history.entries (organisation_id, entity_type, created_date DESC, id DESC)`,
  `CREATE INDEX entries_org_source_idx ON history.entries (organisation_id, source, created_date DESC, id DESC) WHERE source <> 'CORE'`,
  `CREATE INDEX entries_related_idx ON history.entries USING gin (related_ids)`,
  ...SEARCH_COLUMNS.map((c) => `CREATE INDEX entries_${c}_trgm_idx ON history.entries USING gin (${c} gin_trgm_ops) WHERE ${c} IS NOT NULL`),
];

export class HistorySearchColumnsRelatedCounts1732000002000 implements MigrationInterface {
  name = 'HistorySearchColumnsRelatedCounts1732000002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE history.entries ${SEARCH_COLUMNS.map((c) => `ADD COLUMN ${c} text`).join(', ')}`);
    // backfill from the tagged document: `\x1f<tag>:<value>` segments
    const tagOf = (c: string) => c.slice(2);
    await q.query(
      `UPDATE history.entries SET ${SEARCH_COLUMNS.map(
        (c) =>
          `${c} = (SELECT string_agg(substr(seg, ${tagOf(c).length + 2}), E'\\x1f') FROM unnest(string_to_array(search, E'\\x1f')) AS seg WHERE seg LIKE '${tagOf(c)}:%')`,
      ).join(', ')} WHERE search <> ''`,
    );
    await q.query(`DROP INDEX IF EXISTS history.entries_search_trgm_idx`);
    await q.query(`ALTER TABLE history.entries DROP COLUMN search`);
    for (const sql of HISTORY_ENTRY_INDEXES.filter((s) => s.includes('_trgm_idx'))) await q.query(sql);

    await q.query(`CREATE TABLE history.related_counts (
      organisation_id text NOT NULL,
      related_id uuid NOT NULL,
      day date NOT NULL,
      entity_type text NOT NULL,
      action text NOT NULL,
      source text NOT NULL,
      n bigint NOT NULL,
      PRIMARY KEY (organisation_id, related_id, day, entity_type, action, source)
    )`);
    await q.query(`INSERT INTO history.related_counts (organisation_id, related_id, day, entity_type, action, source, n)
      SELECT e.organisation_id, r, (e.created_date AT TIME ZONE 'UTC')::date, e.entity_type, e.action, e.source, count(*)
        FROM history.entries e, unnest(e.related_ids) AS r
       WHERE r <> e.entity_id
       GROUP BY 1, 2, 3, 4, 5, 6`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE history.related_counts`);
    await q.query(`ALTER TABLE history.entries ADD COLUMN search text NOT NULL DEFAULT ''`);
    const tagOf = (c: string) => c.slice(2);
    await q.query(
      `UPDATE history.entries SET search = ${SEARCH_COLUMNS.map(
        (c) => `coalesce((SELECT string_agg(E'\\x1f${tagOf(c)}:' || v, '') FROM unnest(string_to_array(${c}, E'\\x1f')) AS v), '')`,
      ).join(' || ')}`,
    );
    for (const c of SEARCH_COLUMNS) await q.query(`DROP INDEX IF EXISTS history.entries_${c}_trgm_idx`);
    await q.query(`ALTER TABLE history.entries ${SEARCH_COLUMNS.map((c) => `DROP COLUMN ${c}`).join(', ')}`);
    await q.query(`CREATE INDEX entries_search_trgm_idx ON history.entries USING gin (search gin_trgm_ops)`);
  }
}
