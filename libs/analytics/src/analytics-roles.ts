/**
 * Database roles of the analytics layer (docs/analytics.md):
 * - `cep_analyst`: the group role every BI login is a member of. NOLOGIN, no BYPASSRLS, owns nothing; USAGE on the
 *   `analytics` schema, SELECT on its views and EXECUTE on its functions, nothing on the internal schemas.
 * - `cep_analytics_owner`: owns the views and functions of `analytics` (NOLOGIN, no BYPASSRLS, not the owner of any
 *   read-model table). It may SELECT the read-model tables the views read, and row-level security applies to it: its
 *   policies there admit only the rows of the organisation bound to the connected login (`session_user`) in
 *   `analytics.login_organisations`. So the views run with its rights (the analyst needs no grant on the internal
 *   schemas) and the tenant wall is in the tables, not in the view text.
 */
export const ANALYST_ROLE = 'cep_analyst';
export const ANALYTICS_OWNER_ROLE = 'cep_analytics_owner';

/** The permissive policy (admits the login's organisation) and the restrictive one (admits nothing else). */
export const ANALYTICS_POLICY = 'analytics_login';
export const ANALYTICS_POLICY_ONLY = 'analytics_login_only';

/**
 * The organisation bound to the connected database login. `session_user` (not `current_user`): inside a view or a
 * SECURITY DEFINER function `current_user` is the owner, while `session_user` stays the login and cannot be changed
 * without superuser rights (SET ROLE changes only `current_user`). NULL, so no row, for a login without a binding.
 */
export const LOGIN_ORGANISATION_SQL = `(SELECT lo.organisation_id FROM analytics.login_organisations lo WHERE lo.login = session_user)`;

interface Sql {
  query(sql: string, params?: unknown[]): Promise<any>;
}

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

/**
 * Lets the analytics owner read `tables` of `schema` and only the rows of the login's organisation: a permissive
 * SELECT policy for it (the gateway's `tenant_isolation` policy applies to every role too, so without the restrictive
 * one a caller who sets `app.organisation_id` could widen what the views return) and a restrictive one that admits
 * nothing else. `copySecurity` of the projection rebuild copies grants and policies to a rebuilt schema.
 */
export async function enableAnalyticsRls(q: Sql, schema: string, tables: readonly string[]): Promise<void> {
  await q.query(`GRANT USAGE ON SCHEMA ${ident(schema)} TO ${ANALYTICS_OWNER_ROLE}`);
  for (const t of tables) {
    const table = `${ident(schema)}.${ident(t)}`;
    await q.query(`GRANT SELECT ON ${table} TO ${ANALYTICS_OWNER_ROLE}`);
    await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
    await q.query(
      `CREATE POLICY ${ANALYTICS_POLICY} ON ${table} AS PERMISSIVE FOR SELECT TO ${ANALYTICS_OWNER_ROLE} USING (organisation_id = ${LOGIN_ORGANISATION_SQL})`,
    );
    await q.query(
      `CREATE POLICY ${ANALYTICS_POLICY_ONLY} ON ${table} AS RESTRICTIVE FOR SELECT TO ${ANALYTICS_OWNER_ROLE} USING (organisation_id = ${LOGIN_ORGANISATION_SQL})`,
    );
  }
}

/** Undoes `enableAnalyticsRls` (row-level security stays enabled: the gateway's policies need it). */
export async function disableAnalyticsRls(q: Sql, schema: string, tables: readonly string[]): Promise<void> {
  for (const t of tables) {
    const table = `${ident(schema)}.${ident(t)}`;
    await q.query(`DROP POLICY IF EXISTS ${ANALYTICS_POLICY_ONLY} ON ${table}`);
    await q.query(`DROP POLICY IF EXISTS ${ANALYTICS_POLICY} ON ${table}`);
    await q.query(`REVOKE SELECT ON ${table} FROM ${ANALYTICS_OWNER_ROLE}`);
  }
  await q.query(`REVOKE USAGE ON SCHEMA ${ident(schema)} FROM ${ANALYTICS_OWNER_ROLE}`);
}
