import type { Pool, PoolClient } from 'pg';
import type { DataSource } from 'typeorm';

/** The session setting every read-model RLS policy compares `organisation_id` with (see the *-row-level-security migrations). */
export const TENANT_SETTING = 'app.organisation_id';

/**
 * The database role the gateway reads the read models as: NOLOGIN, no BYPASSRLS, not the tables' owner, SELECT on
 * the read-model tables only. Created by the migrations; in production the gateway's login role is a member of it.
 */
export const GATEWAY_DB_ROLE = 'cep_gateway';

/** What the query services run their SQL against: rows in, rows out (the shape of `DataSource.query` for a SELECT). */
export interface SqlQueryable {
  query(sql: string, params?: unknown[]): Promise<any>;
}

export interface TenantDatabaseOptions {
  /**
   * `true` (default): every tenant read runs in a READ ONLY transaction that sets `app.organisation_id` and the
   * `role` (SET LOCAL), so the RLS policies filter rows even where a query forgot the organisation.
   * `false`: statements go straight to the pool as the connection's own role, no transaction (the behaviour before
   * RLS; kept only to measure the cost of RLS in the benchmark, `GATEWAY_RLS=off`).
   */
  rls?: boolean;
  /** The role taken for the transaction (`set_config('role', ..., true)`); null keeps the connection's role. */
  role?: string | null;
}

/**
 * The one way a read-model query service reaches PostgreSQL on behalf of a tenant:
 *
 *   db.run(organisationId, (q) => q.query('SELECT ... FROM history.entries WHERE ...', params))
 *
 * runs `fn` on one pooled connection inside
 *   BEGIN READ ONLY;
 *   SELECT set_config('role', $1, true), set_config('app.organisation_id', $2, true);   -- both SET LOCAL
 *   ...fn's statements...;
 *   COMMIT;
 * The organisation is a bind parameter, never interpolated. A statement of `fn` that forgets its
 * `organisation_id = $n` filter still sees only the tenant's rows (the RLS policy), and with no organisation set a
 * tenant table answers zero rows. `fn`'s statements run one after another on the one connection; keep `fn` short
 * (no waiting on a client inside it: an SSE stream runs one `run` per page, not one for the whole stream).
 */
export class TenantDatabase {
  readonly rls: boolean;
  readonly role: string | null;

  constructor(
    private readonly ds: DataSource,
    opts: TenantDatabaseOptions = {},
  ) {
    this.rls = opts.rls ?? true;
    this.role = opts.role === undefined ? GATEWAY_DB_ROLE : opts.role;
  }

  /** A TenantDatabase as given, or one over a DataSource with the defaults (RLS on, role `cep_gateway`). */
  static of(db: TenantDatabase | DataSource): TenantDatabase {
    return db instanceof TenantDatabase ? db : new TenantDatabase(db);
  }

  private get pool(): Pool {
    const pool = (this.ds.driver as unknown as { master?: Pool }).master;
    if (!pool) throw new Error('TenantDatabase needs an initialised PostgreSQL DataSource');
    return pool;
  }

  /** Runs `fn` as `organisationId` (see the class comment) and answers `fn`'s result; a failure rolls back. */
  async run<T>(organisationId: string, fn: (q: SqlQueryable) => Promise<T>): Promise<T> {
    if (typeof organisationId !== 'string' || !organisationId) throw new Error('TenantDatabase.run needs the caller\'s organisation id');
    if (!this.rls) return fn({ query: async (sql, params) => (await this.pool.query(sql, params)).rows });
    const client: PoolClient = await this.pool.connect();
    let result: T;
    try {
      // Queued back to back (the driver sends each as soon as the previous one is answered); both awaited.
      await Promise.all([
        client.query('BEGIN READ ONLY'),
        this.role
          ? client.query(`SELECT set_config('role', $1, true), set_config('${TENANT_SETTING}', $2, true)`, [this.role, organisationId])
          : client.query(`SELECT set_config('${TENANT_SETTING}', $1, true)`, [organisationId]),
      ]);
      result = await fn({ query: async (sql, params) => (await client.query(sql, params)).rows });
    } catch (err) {
      // A connection that cannot even roll back is gone or unusable: it is destroyed, not returned to the pool.
      await client.query('ROLLBACK').then(
        () => client.release(),
        (e: Error) => client.release(e),
      );
      throw err;
    }
    // READ ONLY: every row is read, the commit changes nothing, so the answer need not wait for it (one round trip
    // less per call). The connection goes back to the pool only once the COMMIT is acknowledged, so no other
    // caller ever sees this transaction; a failed COMMIT (connection lost) destroys the connection.
    client.query('COMMIT').then(
      () => client.release(),
      (e: Error) => client.release(e),
    );
    return result;
  }

  /**
   * A statement that reads no tenant table (`projection.state`, `SELECT 1`): straight on the pool, as the
   * connection's role, no organisation. Never use it for a read-model table: under RLS it answers zero rows there.
   */
  async query(sql: string, params?: unknown[]): Promise<any> {
    return (await this.pool.query(sql, params)).rows;
  }
}
