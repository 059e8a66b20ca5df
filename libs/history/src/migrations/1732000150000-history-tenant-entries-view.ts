import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ensureGatewayRole, GATEWAY_DB_ROLE, TENANT_POLICY_USING } from '@cep/platform';

/** The view the gateway's text searches and relation filters read instead of `history.entries` (see the migration). */
export const HISTORY_TENANT_ENTRIES_VIEW = 'history.tenant_entries';

/**
 * `history.tenant_entries`: the caller's rows of `history.entries`, for the two filters whose operators are not
 * LEAKPROOF (`ILIKE` on the `s_*` search columns, `related_ids @>`). Under the table's RLS policy PostgreSQL must
 * evaluate the policy before any non-LEAKPROOF qual, so it cannot use their trigram / GIN indexes and scans the
 * organisation's rows (docs/benchmarks.md, RLS section). This view is owned by the migrating role (the table's
 * owner, not subject to the table's policy) and is neither security_invoker nor security_barrier: its
 * `WHERE organisation_id = current_setting('app.organisation_id', true)` is an ordinary qual the planner combines
 * with the index conditions of the query's filters. The wall is the same as the policy's: the same condition, no
 * organisation set → NULL → no row. `cep_gateway` may SELECT it; the base-table policies stay for every other path.
 * Projection rebuilds clone it onto the build schema (tools/projection cloneSchema, views of the schema).
 */
export class HistoryTenantEntriesView1732000150000 implements MigrationInterface {
  name = 'HistoryTenantEntriesView1732000150000';

  async up(q: QueryRunner): Promise<void> {
    await ensureGatewayRole(q);
    await q.query(`CREATE VIEW ${HISTORY_TENANT_ENTRIES_VIEW} AS SELECT * FROM history.entries WHERE ${TENANT_POLICY_USING}`);
    await q.query(`GRANT SELECT ON ${HISTORY_TENANT_ENTRIES_VIEW} TO ${GATEWAY_DB_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW IF EXISTS ${HISTORY_TENANT_ENTRIES_VIEW}`);
  }
}
