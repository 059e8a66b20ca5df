import { GATEWAY_DB_ROLE, TENANT_SETTING } from './tenant-database';

/** The name of the one RLS policy on every tenant table of the read models. */
export const TENANT_POLICY = 'tenant_isolation';

/** The policy's condition: `organisation_id` (text) equals the session's `app.organisation_id` (NULL when unset: no rows). */
export const TENANT_POLICY_USING = `organisation_id = current_setting('${TENANT_SETTING}', true)`;

interface Sql {
  query(sql: string, params?: unknown[]): Promise<any>;
}

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

/**
 * Creates a NOLOGIN role without BYPASSRLS that owns nothing, when the cluster does not have it yet. Roles are
 * cluster-wide and test databases are migrated concurrently: idempotent, and a concurrent creation is not an error.
 * A database where the migrating role may not create roles needs the role created beforehand by the DBA
 * (docs/deployment.md); then this is a no-op. `role` is a constant of the code, never input.
 */
export async function ensureNoLoginRole(q: Sql, role: string): Promise<void> {
  await q.query(`DO $$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${role}') THEN
        CREATE ROLE ${role} NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
      END IF;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END $$`);
}

/**
 * The gateway's read role: the gateway takes it with `set_config('role', 'cep_gateway', true)` inside each tenant
 * transaction, or logs in as a member of it.
 */
export const ensureGatewayRole = (q: Sql): Promise<void> => ensureNoLoginRole(q, GATEWAY_DB_ROLE);

/**
 * The second wall of a read model: the gateway role may read `tables` of `schema`, and only the rows of the
 * organisation set in the transaction (`ENABLE ROW LEVEL SECURITY` + a SELECT policy for every role). The table
 * owner (the migrations and projectors) is not subject to it; a non-owner role without BYPASSRLS that writes
 * these tables is refused (no write policy), on purpose.
 */
export async function enableTenantRls(q: Sql, schema: string, tables: readonly string[]): Promise<void> {
  await ensureGatewayRole(q);
  await q.query(`GRANT USAGE ON SCHEMA ${ident(schema)} TO ${GATEWAY_DB_ROLE}`);
  for (const t of tables) {
    const table = `${ident(schema)}.${ident(t)}`;
    await q.query(`GRANT SELECT ON ${table} TO ${GATEWAY_DB_ROLE}`);
    await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
    await q.query(`CREATE POLICY ${TENANT_POLICY} ON ${table} FOR SELECT USING (${TENANT_POLICY_USING})`);
  }
}

/** Undoes `enableTenantRls` (the role stays: it is cluster-wide and other databases may use it). */
export async function disableTenantRls(q: Sql, schema: string, tables: readonly string[]): Promise<void> {
  for (const t of tables) {
    const table = `${ident(schema)}.${ident(t)}`;
    await q.query(`DROP POLICY IF EXISTS ${TENANT_POLICY} ON ${table}`);
    await q.query(`ALTER TABLE ${table} DISABLE ROW LEVEL SECURITY`);
    await q.query(`REVOKE SELECT ON ${table} FROM ${GATEWAY_DB_ROLE}`);
  }
  await q.query(`REVOKE USAGE ON SCHEMA ${ident(schema)} FROM ${GATEWAY_DB_ROLE}`);
}
