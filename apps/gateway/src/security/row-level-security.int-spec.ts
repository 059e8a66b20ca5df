import type { DataSource } from 'typeorm';
import { ActivityQueryService, activityProjection } from '@cep/activity';
import { EventLogQueryService, eventLogProjection } from '@cep/event-log';
import { HistoryQueryService, historyProjection } from '@cep/history';
import { connectDatabase, GATEWAY_DB_ROLE, TENANT_POLICY, TenantDatabase } from '@cep/platform';
import { ReportQueryService, reportProjection } from '@cep/reports';
import { newOrgId, testConfig, testDataSource } from '@cep/testing';
import { orgEvents, projectEvents } from './security-fixtures';

/** The read-model schemas: every table in them with an `organisation_id` column holds tenant rows. */
const READ_MODEL_SCHEMAS = ['history', 'activity', 'reports', 'event_log'];

/**
 * PostgreSQL row-level security, the second wall (docs/security.md "Row-level security"): a query that forgets its
 * organisation filter, run through a tenant session (TenantDatabase.run), still sees only the
 * caller's rows; with no organisation set it sees none.
 */
describe('row-level security on the read models (real PostgreSQL)', () => {
  let ds: DataSource;
  let db: TenantDatabase;
  let tenantTables: string[];
  const orgA = newOrgId();
  const orgB = newOrgId();

  beforeAll(async () => {
    ds = await testDataSource();
    db = new TenantDatabase(ds); // the gateway's settings: RLS on, role cep_gateway
    const now = new Date();
    const a = orgEvents(orgA, now);
    const b = orgEvents(orgB, now);
    const failures = await projectEvents(ds, [historyProjection, activityProjection, reportProjection, eventLogProjection], [...a.events, ...b.events]);
    expect(failures).toEqual({});
    const rows: { t: string }[] = await ds.query(
      `SELECT table_schema || '.' || table_name AS t FROM information_schema.columns c
       JOIN information_schema.tables USING (table_schema, table_name)
       WHERE column_name = 'organisation_id' AND table_schema = ANY($1) AND table_type = 'BASE TABLE' ORDER BY 1`,
      [READ_MODEL_SCHEMAS],
    );
    tenantTables = rows.map((r) => r.t);
  });
  afterAll(async () => ds.destroy());

  /** Rows per organisation of a table, as the owner sees them (no RLS). */
  const ownerCounts = async (table: string): Promise<Record<string, number>> => {
    const rows: { org: string; n: number }[] = await ds.query(
      `SELECT organisation_id AS org, count(*)::int AS n FROM ${table} WHERE organisation_id = ANY($1) GROUP BY 1`,
      [[orgA, orgB]],
    );
    return Object.fromEntries(rows.map((r) => [r.org, r.n]));
  };

  it('covers every tenant table of the read models: RLS enabled, the tenant policy, SELECT for the gateway role', async () => {
    expect(tenantTables).toEqual(
      expect.arrayContaining(['history.entries', 'history.counts', 'activity.records', 'activity.activities', 'reports.daily_counts', 'event_log.events']),
    );
    const rows: { t: string; rls: boolean; policy: string | null; qual: string | null; select: boolean }[] = await ds.query(
      `SELECT t, c.relrowsecurity AS rls, p.policyname AS policy, p.qual, has_table_privilege($2, t, 'SELECT') AS select
       FROM unnest($1::text[]) AS t JOIN pg_class c ON c.oid = t::regclass
       LEFT JOIN pg_policies p ON p.schemaname || '.' || p.tablename = t AND p.policyname = $3 ORDER BY t`,
      [tenantTables, GATEWAY_DB_ROLE, TENANT_POLICY],
    );
    for (const r of rows) {
      expect({ t: r.t, rls: r.rls, policy: r.policy, select: r.select }).toEqual({ t: r.t, rls: true, policy: TENANT_POLICY, select: true });
      expect(r.qual).toBe(`(organisation_id = current_setting('app.organisation_id'::text, true))`);
    }
  });

  it('the gateway role cannot bypass it: no BYPASSRLS, no superuser, owns no read-model table, cannot write', async () => {
    const [role] = await ds.query(`SELECT rolbypassrls, rolsuper, rolcanlogin FROM pg_roles WHERE rolname = $1`, [GATEWAY_DB_ROLE]);
    expect(role).toEqual({ rolbypassrls: false, rolsuper: false, rolcanlogin: false });
    const [{ owned }] = await ds.query(
      `SELECT count(*)::int AS owned FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = ANY($1) AND c.relowner = (SELECT oid FROM pg_roles WHERE rolname = $2)`,
      [READ_MODEL_SCHEMAS, GATEWAY_DB_ROLE],
    );
    expect(owned).toBe(0);
    for (const t of tenantTables) {
      const [{ w }] = await ds.query(`SELECT has_table_privilege($1, $2, 'INSERT,UPDATE,DELETE,TRUNCATE') AS w`, [GATEWAY_DB_ROLE, t]);
      expect({ t, writable: w }).toEqual({ t, writable: false });
    }
  });

  it('a query with the organisation filter removed returns only the caller\'s rows, on every tenant table', async () => {
    let seeded = 0;
    for (const t of tenantTables) {
      const owner = await ownerCounts(t);
      for (const org of [orgA, orgB]) {
        // Deliberately no WHERE organisation_id = ...: the policy is the only filter.
        const rows: { organisation_id: string }[] = await db.run(org, (q) => q.query(`SELECT organisation_id FROM ${t}`));
        expect({ t, orgs: [...new Set(rows.map((r) => r.organisation_id))] }).toEqual({ t, orgs: rows.length ? [org] : [] });
        expect({ t, org, n: rows.length }).toEqual({ t, org, n: owner[org] ?? 0 });
      }
      if (owner[orgA] && owner[orgB]) seeded++;
    }
    // The fixture puts both organisations in the main tables, so the check above filtered real rows.
    expect(seeded).toBeGreaterThanOrEqual(6);
    // Other tests' organisations are in these tables too: without the wall the same statement sees them.
    const all: { n: number }[] = await new TenantDatabase(ds, { rls: false }).run(orgA, (q) => q.query(`SELECT count(DISTINCT organisation_id)::int AS n FROM history.entries`));
    expect(all[0].n).toBeGreaterThanOrEqual(2);
  });

  it('aggregates and joins without the filter are the caller\'s too', async () => {
    const [{ n, orgs }] = await db.run(orgA, (q) =>
      q.query(`SELECT count(*)::int AS n, count(DISTINCT r.organisation_id)::int AS orgs FROM activity.records r JOIN activity.activities a ON a.latest_event_id = r.id`),
    );
    expect(orgs).toBe(1);
    expect(n).toBe((await ds.query(`SELECT count(*)::int AS n FROM activity.activities WHERE organisation_id = $1`, [orgA]))[0].n);
    const [{ head }] = await db.run(orgB, (q) => q.query(`SELECT max(seq)::text AS head FROM event_log.events`));
    const [{ own }] = await ds.query(`SELECT max(seq)::text AS own FROM event_log.events WHERE organisation_id = $1`, [orgB]);
    expect(head).toBe(own);
  });

  it('with no organisation set, the gateway role sees zero rows', async () => {
    const qr = ds.createQueryRunner();
    await qr.connect();
    try {
      await qr.startTransaction();
      await qr.query(`SELECT set_config('role', $1, true)`, [GATEWAY_DB_ROLE]);
      for (const t of tenantTables) {
        const [{ n }] = await qr.query(`SELECT count(*)::int AS n FROM ${t}`);
        expect({ t, n }).toEqual({ t, n: 0 });
      }
      // An empty setting (what a reused session holds after an earlier SET LOCAL) matches nothing either.
      await qr.query(`SELECT set_config('app.organisation_id', '', true)`);
      const [{ n }] = await qr.query(`SELECT count(*)::int AS n FROM history.entries`);
      expect(n).toBe(0);
    } finally {
      await qr.rollbackTransaction();
      await qr.release();
    }
    await expect(db.run('', async () => 1)).rejects.toThrow(/organisation/);
  });

  it('the organisation is a bind parameter: a hostile value is data, not SQL', async () => {
    const hostile = `${orgA}', true); SELECT set_config('role', 'postgres', true); --`;
    const rows: unknown[] = await db.run(hostile, (q) => q.query(`SELECT 1 FROM history.entries`));
    expect(rows).toEqual([]);
    const [who] = await db.run(hostile, (q) => q.query(`SELECT current_user AS u, current_setting('app.organisation_id') AS org`));
    expect(who).toEqual({ u: GATEWAY_DB_ROLE, org: hostile });
  });

  /**
   * A TenantDatabase over a DataSource of DATABASE_POOL_MAX 1: its tenant pool has one session, so every statement
   * of `fn` runs on that very session. Both pools are closed afterwards.
   */
  async function withOneSession(fn: (single: TenantDatabase, one: DataSource) => Promise<void>): Promise<void> {
    const one = await connectDatabase(testConfig({ DATABASE_POOL_MAX: '1' }), { applicationName: 'rls-test' });
    const single = new TenantDatabase(one);
    try {
      await fn(single, one);
    } finally {
      await single.onApplicationShutdown();
      await one.destroy();
    }
  }

  it('tenant sessions are read only, start as the gateway role even after a RESET, and the DataSource pool is untouched', async () => {
    await withOneSession(async (single, one) => {
      await expect(single.run(orgA, (q) => q.query(`DELETE FROM history.entries`))).rejects.toMatchObject({ code: '25006' }); // read-only transaction
      const [{ inside }] = await single.run(orgA, (q) => q.query(`SELECT current_user AS inside`));
      expect(inside).toBe(GATEWAY_DB_ROLE);
      // RESET returns to the startup values (the gateway role, read only), not to the login role.
      const reset = await single.run(orgA, async (q) => {
        await q.query(`RESET ROLE`);
        await q.query(`RESET ALL`);
        return (await q.query(`SELECT current_user AS u, current_setting('transaction_read_only') AS ro`))[0];
      });
      expect(reset).toEqual({ u: GATEWAY_DB_ROLE, ro: 'on' });
      const sessions = await Promise.all(
        [1, 2, 3].map(() =>
          one.query(`SELECT current_user AS u, coalesce(current_setting('app.organisation_id', true), '') AS org, current_setting('transaction_read_only') AS ro`),
        ),
      );
      // The DataSource's own pool (health, projection.state) never takes the role or an organisation.
      for (const [s] of sessions) expect(s).toEqual({ u: 'postgres', org: '', ro: 'off' });
      expect((await ds.query(`SELECT count(*)::int AS n FROM history.entries WHERE organisation_id = $1`, [orgA]))[0].n).toBeGreaterThan(0);
    });
  });

  it('one pooled session serving organisations in turn (and concurrently) answers each only its own rows', async () => {
    await withOneSession(async (single) => {
      const orgsOf = (org: string) =>
        single.run(org, async (q) => ((await q.query(`SELECT DISTINCT organisation_id AS o FROM history.entries`)) as { o: string }[]).map((r) => r.o));
      for (const org of [orgA, orgB, orgA, orgA, orgB]) expect(await orgsOf(org)).toEqual([org]);
      // A failed statement leaves the session pointed at its organisation; the next caller's switch still happens.
      await expect(single.run(orgB, (q) => q.query(`SELECT 1/0`))).rejects.toMatchObject({ code: '22012' });
      expect(await orgsOf(orgA)).toEqual([orgA]);
      // Interleaved callers queue on the one session: each statement is switched to its caller's organisation.
      const mixed = await Promise.all([orgA, orgB, orgA, orgB, orgB, orgA].map(async (org) => ({ org, seen: await orgsOf(org) })));
      for (const m of mixed) expect(m.seen).toEqual([m.org]);
      // A non-canonical organisation value goes as a bind parameter and matches nothing.
      expect(await orgsOf(orgA.toUpperCase())).toEqual([]);
      expect(await orgsOf(orgA)).toEqual([orgA]);
    });
  });

  it('the query services answer through it, each organisation its own data', async () => {
    const history = new HistoryQueryService(db);
    const activity = new ActivityQueryService(db);
    const reports = new ReportQueryService(db, { cursorSecret: 'rls-int-test-cursor-secret-0123456789abcdef' });
    const events = new EventLogQueryService(db);
    for (const org of [orgA, orgB]) {
      const page = await history.list({ organisationId: org, pageSize: 100 });
      expect(page.values.length).toBeGreaterThan(0);
      expect(new Set(page.values.map((v) => v.organisationId))).toEqual(new Set([org]));
      expect(page.totalItems).toBe(page.values.length);
      const acts = await activity.list({ organisationId: org, limit: 100 });
      expect(acts.records.length).toBeGreaterThan(0);
      expect((await activity.stats({ organisationId: org })).total).toBe(2);
      const day = new Date().toISOString().slice(0, 10);
      const report = await reports.report({ organisationId: org, timezoneOffset: '+00:00', startDate: day, endDate: day, profiles: ['mdoc'] });
      expect(report.data.length).toBeGreaterThan(0);
      const log = await events.query(org, {}, { limit: 100 });
      expect(log.items.length).toBe(2);
      expect(await events.headSeq(org)).toBe(
        BigInt((await ds.query(`SELECT max(seq)::text AS m FROM event_log.events WHERE organisation_id = $1`, [org]))[0].m),
      );
    }
  });
  it('history.tenant_entries (the search / relation view): owner-owned plain view, only the caller\'s rows, none with no organisation', async () => {
    const [v] = await ds.query(
      `SELECT v.relowner = t.relowner AS same_owner, coalesce(v.reloptions, '{}') AS options, has_table_privilege($1, 'history.tenant_entries', 'SELECT') AS select,
              has_table_privilege($1, 'history.tenant_entries', 'INSERT,UPDATE,DELETE,TRUNCATE') AS writable
       FROM pg_class v, pg_class t WHERE v.oid = 'history.tenant_entries'::regclass AND t.oid = 'history.entries'::regclass`,
      [GATEWAY_DB_ROLE],
    );
    expect(v).toEqual({ same_owner: true, options: [], select: true, writable: false });
    const own = await ownerCounts('history.entries');
    expect(own[orgA]).toBeGreaterThan(0);
    expect(own[orgB]).toBeGreaterThan(0);
    for (const org of [orgA, orgB]) {
      // No organisation filter in the statement: the view's WHERE is the wall.
      const rows: { org: string; n: number }[] = await db.run(org, (q) =>
        q.query(`SELECT organisation_id AS org, count(*)::int AS n FROM history.tenant_entries GROUP BY 1`),
      );
      expect(rows).toEqual([{ org, n: own[org] }]);
    }
    const qr = ds.createQueryRunner();
    await qr.connect();
    try {
      await qr.startTransaction();
      await qr.query(`SELECT set_config('role', $1, true)`, [GATEWAY_DB_ROLE]);
      expect(await qr.query(`SELECT count(*)::int AS n FROM history.tenant_entries`)).toEqual([{ n: 0 }]);
      await qr.query(`SELECT set_config('app.organisation_id', '', true)`);
      expect(await qr.query(`SELECT count(*)::int AS n FROM history.tenant_entries`)).toEqual([{ n: 0 }]);
    } finally {
      await qr.rollbackTransaction();
      await qr.release();
    }
    // The organisation of the one-round-trip opening is the caller's, and a hostile one is refused (bind path: data).
    const hostile = `${orgA}', true); SELECT set_config('role', 'postgres', true); --`;
    expect(await db.run(hostile, (q) => q.query(`SELECT count(*)::int AS n FROM history.tenant_entries`))).toEqual([{ n: 0 }]);
    expect(await db.run(orgA, (q) => q.query(`SELECT current_user AS u, current_setting('app.organisation_id') AS o`))).toEqual([
      { u: GATEWAY_DB_ROLE, o: orgA },
    ]);
  });
});
