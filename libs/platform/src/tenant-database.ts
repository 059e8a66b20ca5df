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

/** A canonical lowercase UUID (8-4-4-4-12 hex digits, lowercase only): every token's organisation (libs/auth). */
const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * A role name TenantDatabase accepts (GATEWAY_DB_ROLE): an unquoted PostgreSQL identifier that stays the same
 * when folded to lowercase — lowercase letter or underscore, then lowercase letters, digits, underscores; at most
 * 63 bytes. No quote, space, semicolon, dollar or dash can pass, so the name can be written into SQL as is.
 */
const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Throws unless `role` is a ROLE_NAME (see there); called by the TenantDatabase constructor (config time). */
export function assertRoleName(role: string): void {
  if (typeof role !== 'string' || !ROLE_NAME.test(role)) {
    throw new Error(`GATEWAY_DB_ROLE must be a lowercase unquoted identifier ([a-z_][a-z0-9_]*, at most 63 characters), got ${JSON.stringify(role)}`);
  }
}

/**
 * The opening of a tenant transaction as ONE simple-protocol string (one round trip instead of two), or null when
 * `organisationId` is not a canonical lowercase UUID (then the caller uses bind parameters).
 *
 * Why interpolating is safe here: the only two values written into the SQL are
 *  - the role, checked against ROLE_NAME when the TenantDatabase was configured (assertRoleName): letters, digits
 *    and underscores only, so it cannot end the identifier or the statement;
 *  - the organisation, checked here against CANONICAL_UUID: 36 characters of [0-9a-f-], so it cannot end the
 *    '...' literal (no quote, no backslash) or the statement.
 * Anything else never reaches this string. The simple protocol runs the three statements in order in one message;
 * an error in any of them aborts the rest (and the caller rolls back).
 */
export function tenantOpening(role: string | null, organisationId: string): string | null {
  if (!CANONICAL_UUID.test(organisationId)) return null;
  if (role !== null) assertRoleName(role);
  const setRole = role !== null ? ` SET LOCAL ROLE ${role};` : '';
  return `BEGIN READ ONLY;${setRole} SELECT set_config('${TENANT_SETTING}', '${organisationId}', true)`;
}

/**
 * The one way a read-model query service reaches PostgreSQL on behalf of a tenant:
 *
 *   db.run(organisationId, (q) => q.query('SELECT ... FROM history.entries WHERE ...', params))
 *
 * runs `fn` on one pooled connection inside
 *   BEGIN READ ONLY; SET LOCAL ROLE cep_gateway; SELECT set_config('app.organisation_id', '<uuid>', true)
 *                                                          -- one round trip (tenantOpening: validated values only)
 *   ...fn's statements...;
 *   COMMIT;
 * The organisation is written into that string only once it is checked to be a canonical lowercase UUID (anything
 * else goes as a bind parameter in a second round trip); the role only once checked to be a plain identifier. A statement of `fn` that forgets its
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
    // Checked once, at configuration time: the role is written into the tenant transaction's opening statement.
    if (this.role !== null) assertRoleName(this.role);
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
      const opening = tenantOpening(this.role, organisationId);
      if (opening) {
        // ONE round trip: BEGIN, SET LOCAL ROLE and the organisation as one simple-protocol string (see tenantOpening).
        await client.query(opening);
      } else {
        // An organisation that is not a canonical UUID (never from a token; only callers outside the gateway) is
        // never written into SQL: bind parameters, at the cost of a second round trip.
        await Promise.all([
          client.query('BEGIN READ ONLY'),
          this.role
            ? client.query(`SELECT set_config('role', $1, true), set_config('${TENANT_SETTING}', $2, true)`, [this.role, organisationId])
            : client.query(`SELECT set_config('${TENANT_SETTING}', $1, true)`, [organisationId]),
        ]);
      }
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
