import type { Pool, PoolClient, PoolConfig } from 'pg';
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
   * `true` (default): every tenant statement runs on a connection of the tenant pool — logged in with the startup
   * options `role=<role>` and `default_transaction_read_only=on` — whose session has `app.organisation_id` set to the
   * caller's organisation, so the RLS policies filter rows even where a query forgot the organisation.
   * `false`: statements go straight to the DataSource's pool as the connection's own role (the behaviour before RLS;
   * kept only to measure the cost of RLS in the benchmark, `GATEWAY_RLS=off`).
   */
  rls?: boolean;
  /** The role the tenant pool's sessions start as (startup option `role`); null keeps the login role. */
  role?: string | null;
}

/** A canonical lowercase UUID (8-4-4-4-12 hex digits, lowercase only): every token's organisation (libs/auth). */
const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * A role name TenantDatabase accepts (GATEWAY_DB_ROLE): an unquoted PostgreSQL identifier that stays the same
 * when folded to lowercase — lowercase letter or underscore, then lowercase letters, digits, underscores; at most
 * 63 bytes. No quote, space, semicolon, dollar, dash or backslash can pass, so the name can be written into a
 * startup option (`-c role=<name>`) as is.
 */
const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Throws unless `role` is a ROLE_NAME (see there); called by the TenantDatabase constructor (config time). */
export function assertRoleName(role: string): void {
  if (typeof role !== 'string' || !ROLE_NAME.test(role)) {
    throw new Error(`GATEWAY_DB_ROLE must be a lowercase unquoted identifier ([a-z_][a-z0-9_]*, at most 63 characters), got ${JSON.stringify(role)}`);
  }
}

/**
 * The startup `options` of the tenant pool's connections: the DataSource's own (e.g. `statement_timeout`) plus
 * `-c role=<role> -c default_transaction_read_only=on`. Startup values are the session's reset values: `RESET ROLE`,
 * `RESET ALL` and `DISCARD ALL` return to the gateway role and to read only, not to the login role.
 */
export function tenantStartupOptions(role: string | null, existing?: string): string {
  if (role !== null) assertRoleName(role);
  const parts = [existing?.trim(), role !== null ? `-c role=${role}` : '', '-c default_transaction_read_only=on'];
  return parts.filter(Boolean).join(' ');
}

/**
 * The statement that points a tenant-pool session at `organisationId`, as ONE simple-protocol string with the value
 * written in, or null when `organisationId` is not a canonical lowercase UUID (then the caller binds it).
 * Why interpolating is safe: the value matched CANONICAL_UUID, 36 characters of [0-9a-f-]: it cannot end the '...'
 * literal (no quote, no backslash) or the statement.
 */
export function tenantSwitch(organisationId: string): string | null {
  if (!CANONICAL_UUID.test(organisationId)) return null;
  return `SELECT set_config('${TENANT_SETTING}', '${organisationId}', false)`;
}

/** A server error (SQLSTATE): the statement failed, the session is intact (autocommit). */
function isServerError(err: unknown): boolean {
  return typeof (err as { code?: unknown })?.code === 'string' && /^[0-9A-Z]{5}$/.test((err as { code: string }).code);
}

/**
 * The one way a read-model query service reaches PostgreSQL on behalf of a tenant:
 *
 *   db.run(organisationId, (q) => q.query('SELECT ... FROM history.entries WHERE ...', params))
 *
 * With RLS on (the default), each statement of `fn` runs on a connection of the TENANT POOL: a pg Pool of its own
 * (same server, login and size as the DataSource's) whose sessions start as `role=cep_gateway` and
 * `default_transaction_read_only=on` (startup options, so a RESET returns to them). Each session remembers the
 * organisation it was last pointed at; a statement for another organisation first sends
 *   SELECT set_config('app.organisation_id', '<uuid>', false)   -- only when the session's organisation differs
 * and records the new organisation only once that answered. The common case — the connection last served the same
 * organisation — costs no extra round trip, and statements `fn` sends at once (a page and its count) run on two
 * connections at once, as with RLS off. A statement of `fn` that forgets its `organisation_id = $n` filter still sees
 * only the tenant's rows (the RLS policy); a session with no organisation set answers zero rows from a tenant table.
 * Statements of one `run` are separate autocommit statements, not one snapshot (as with RLS off); no service relies
 * on a shared snapshot (docs/security.md "The tenant session").
 */
export class TenantDatabase {
  readonly rls: boolean;
  readonly role: string | null;
  private tenantPool: Pool | null = null;
  /** The organisation each tenant-pool session is pointed at (absent: none yet, or unknown after a failed switch). */
  private readonly sessionOrganisation = new WeakMap<PoolClient, string>();

  constructor(
    private readonly ds: DataSource,
    opts: TenantDatabaseOptions = {},
  ) {
    this.rls = opts.rls ?? true;
    this.role = opts.role === undefined ? GATEWAY_DB_ROLE : opts.role;
    // Checked once, at configuration time: the role is written into the tenant pool's startup options.
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

  /** The tenant pool, made on first use from the DataSource pool's connection settings (see the class comment). */
  private get tenants(): Pool {
    if (this.tenantPool) return this.tenantPool;
    const base = this.pool as Pool & { options: PoolConfig & { options?: string } };
    const PoolClass = base.constructor as new (cfg: PoolConfig) => Pool;
    const pool = new PoolClass({
      ...base.options,
      options: tenantStartupOptions(this.role, base.options.options),
      // Idle sessions do not keep a process (a test, a CLI) alive; the gateway closes the pool on shutdown.
      allowExitOnIdle: true,
    });
    // An idle session that breaks (server restart) is dropped by the pool; without a listener it would crash the process.
    pool.on('error', () => undefined);
    this.tenantPool = pool;
    return pool;
  }

  /** Runs `fn` as `organisationId` (see the class comment) and answers `fn`'s result. */
  async run<T>(organisationId: string, fn: (q: SqlQueryable) => Promise<T>): Promise<T> {
    if (typeof organisationId !== 'string' || !organisationId) throw new Error('TenantDatabase.run needs the caller\'s organisation id');
    if (!this.rls) return fn({ query: async (sql, params) => (await this.pool.query(sql, params)).rows });
    return fn({ query: (sql, params) => this.queryAs(organisationId, sql, params) });
  }

  /** One statement on a tenant session pointed at `organisationId`. */
  private async queryAs(organisationId: string, sql: string, params?: unknown[]): Promise<any> {
    const client: PoolClient = await this.tenants.connect();
    if (this.sessionOrganisation.get(client) !== organisationId) {
      // Forget first: should the switch fail half-way the session's organisation is unknown, and it is destroyed.
      this.sessionOrganisation.delete(client);
      try {
        const sw = tenantSwitch(organisationId);
        // An organisation that is not a canonical UUID (never from a token) is never written into SQL: a bind parameter.
        await (sw ? client.query(sw) : client.query(`SELECT set_config('${TENANT_SETTING}', $1, false)`, [organisationId]));
      } catch (err) {
        client.release(err as Error);
        throw err;
      }
      this.sessionOrganisation.set(client, organisationId);
    }
    try {
      const res = await client.query(sql, params);
      client.release();
      return res.rows;
    } catch (err) {
      // A statement error (SQLSTATE) leaves the autocommit session as it was; anything else (connection lost,
      // protocol error) and the session is destroyed, not pooled again.
      client.release(isServerError(err) ? undefined : (err as Error));
      throw err;
    }
  }

  /**
   * A statement that reads no tenant table (`projection.state`, `SELECT 1`): straight on the DataSource's pool, as
   * the connection's role, no organisation. Never use it for a read-model table: as the owner it would see every
   * tenant's rows.
   */
  async query(sql: string, params?: unknown[]): Promise<any> {
    return (await this.pool.query(sql, params)).rows;
  }

  /** Closes the tenant pool (the gateway's shutdown; Nest calls it on the provider). */
  async onApplicationShutdown(): Promise<void> {
    const pool = this.tenantPool;
    this.tenantPool = null;
    if (pool) await pool.end();
  }
}
