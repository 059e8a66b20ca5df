import { Client } from 'pg';
import { ANALYST_ROLE } from '../analytics-roles';

interface Sql {
  query(sql: string, params?: unknown[]): Promise<any>;
}

/**
 * Test support: a real LOGIN role, member of cep_analyst, bound to one organisation in this database (what
 * docs/analytics.md tells an operator to do), and a pg client connected as it (trust auth on 127.0.0.1 in tests).
 * Roles are cluster-wide: the name is unique per call, creation is idempotent, `drop` removes it again.
 */
export async function createAnalystLogin(admin: Sql, login: string, organisationId: string | null): Promise<void> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(login)) throw new Error(`bad login name ${login}`);
  await admin.query(`DO $$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${login}') THEN
        CREATE ROLE ${login} LOGIN IN ROLE ${ANALYST_ROLE};
      END IF;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END $$`);
  if (organisationId !== null) {
    await admin.query(`INSERT INTO analytics.login_organisations (login, organisation_id) VALUES ($1, $2)`, [login, organisationId]);
  }
}

export async function dropAnalystLogin(admin: Sql, login: string): Promise<void> {
  await admin.query(`DELETE FROM analytics.login_organisations WHERE login = $1`, [login]);
  await admin.query(`DROP ROLE IF EXISTS ${login}`);
}

/** A client of the test database (DATABASE_URL) logged in as `login`. */
export async function connectAs(login: string, databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/cep'): Promise<Client> {
  const u = new URL(databaseUrl);
  u.username = login;
  u.password = '';
  const c = new Client({ connectionString: u.toString(), application_name: 'analyst-test' });
  await c.connect();
  return c;
}

export function uniqueLogin(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}
