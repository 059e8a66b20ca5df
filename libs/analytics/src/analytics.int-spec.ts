import { randomUUID } from 'crypto';
import type { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { newOrgId, testDataSource } from '@cep/testing';
import {
  aggregateReportEvents,
  bruteForceReport,
  REPORT_LIMITS,
  ReportQueryService,
  reportEvent,
  upsertReportCounts,
  type ReportEntry,
  type ReportRequest,
  type ReportSourceEvent,
  REPORT_TEST_CREDENTIAL_TYPES as CTYPES,
  REPORT_TEST_EVENT_TYPES as TYPES,
  REPORT_TEST_PROFILES as PROFILES,
  seededRandom as prng,
} from '@cep/reports';
import { connectAs, createAnalystLogin, dropAnalystLogin, uniqueLogin } from './testing/analyst-login';

const OFFSETS: [string, number][] = [
  ['+05:45', 345],
  ['-09:30', -570],
  ['+12:45', 765],
  ['Z', 0],
  ['+02:00', 120],
  ['-05:00', -300],
  ['+14:00', 840],
  ['-12:00', -720],
];
// DST in spring and autumn (northern and southern), 30-minute DST (Lord Howe), +05:45, +12:45/+13:45 (Chatham),
// a zone whose DST starts at local midnight (Santiago: 00:00 does not exist that day), UTC.
const ZONES = ['America/New_York', 'Europe/Berlin', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/Santiago', 'America/Havana', 'UTC'];

const sqlCounts = async (c: Client, timeZone: string, startDate: string, endDate: string, profiles: string[] | null): Promise<ReportEntry[]> => {
  const r = await c.query(
    `SELECT to_char(date, 'YYYY-MM-DD') AS date, operation, profile, credential_type, count FROM analytics.credential_counts_daily($1, $2::date, $3::date, $4::text[])`,
    [timeZone, startDate, endDate, profiles],
  );
  return r.rows.map((x) => ({
    date: x.date,
    operation: x.operation,
    profile: x.profile,
    ...(x.credential_type !== null ? { credentialType: x.credential_type } : {}),
    count: Number(x.count),
  }));
};

async function restCounts(svc: ReportQueryService, req: ReportRequest): Promise<ReportEntry[]> {
  const out: ReportEntry[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await svc.report({ ...req, cursor });
    out.push(...page.data);
    if (!page.nextCursor) return out;
    cursor = page.nextCursor;
  }
}

describe('analytics schema v1 (real PostgreSQL roles)', () => {
  let ds: DataSource;
  const logins: string[] = [];
  const clients: Client[] = [];

  const analyst = async (org: string | null): Promise<Client> => {
    const login = uniqueLogin('analyst');
    logins.push(login);
    await createAnalystLogin(ds, login, org);
    const c = await connectAs(login);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    ds = await testDataSource();
  });

  afterAll(async () => {
    for (const c of clients) await c.end().catch(() => undefined);
    for (const l of logins) await dropAnalystLogin(ds, l).catch(() => undefined);
    await ds.destroy();
  });

  it('credential_counts_daily returns exactly what the credential-reports query returns (random zones, offsets, ranges, profiles; DST days)', async () => {
    const seed = Number(process.env.ANALYTICS_PROPERTY_SEED ?? Date.now() % 1_000_000);
    const rnd = prng(seed);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
    const org = newOrgId();
    const other = newOrgId();
    const yearStart = Date.parse('2024-01-01T00:00:00Z');
    // Around DST changes of the zones above in 2024 (US, EU, Santiago, Lord Howe, Chatham, Havana).
    const hot = [
      '2024-03-10T07:00:00Z',
      '2024-11-03T06:00:00Z',
      '2024-03-31T01:00:00Z',
      '2024-10-27T01:00:00Z',
      '2024-04-07T03:00:00Z',
      '2024-09-08T04:00:00Z',
      '2024-04-06T15:00:00Z',
      '2024-10-05T16:00:00Z',
      '2024-04-06T14:00:00Z',
      '2024-09-28T14:00:00Z',
      '2024-03-10T05:00:00Z',
      '2024-11-03T05:00:00Z',
    ].map(Date.parse);
    const randomTime = (): string => {
      const r = rnd();
      let ms: number;
      if (r < 0.45) ms = yearStart + Math.floor(rnd() * 366 * 86_400_000);
      else if (r < 0.85) ms = pick(hot) + Math.floor((rnd() - 0.5) * 3 * 86_400_000);
      else ms = yearStart + Math.floor(rnd() * 366 * 96) * 900_000; // on a bucket boundary
      return new Date(ms).toISOString();
    };
    const events: ReportSourceEvent[] = [];
    for (let i = 0; i < 6000; i++) {
      events.push(reportEvent({ organisationid: rnd() < 0.85 ? org : other, type: pick(TYPES), time: randomTime(), profile: pick(PROFILES), credentialType: pick(CTYPES) }));
    }
    for (let i = 0; i < events.length; i += 500) await upsertReportCounts(ds, aggregateReportEvents(events.slice(i, i + 500)));

    const svc = new ReportQueryService(ds, { cursorSecret: 'analytics-int-test-cursor-secret-0123456789' });
    const c = await analyst(org);
    let nonEmpty = 0;
    for (let i = 0; i < 50; i++) {
      const useZone = rnd() < 0.6;
      const [offsetText, offsetMinutes] = pick(OFFSETS);
      const timeZone = pick(ZONES);
      const start = yearStart - 3 * 86_400_000 + Math.floor(rnd() * 368) * 86_400_000;
      const days = rnd() < 0.15 ? REPORT_LIMITS.maxRangeDays : 1 + Math.floor(rnd() * 60);
      const startDate = new Date(start).toISOString().slice(0, 10);
      const endDate = new Date(start + (days - 1) * 86_400_000).toISOString().slice(0, 10);
      const all = rnd() < 0.3;
      const profiles = all ? [...PROFILES] : PROFILES.filter(() => rnd() < 0.6);
      if (!profiles.length) profiles.push(pick(PROFILES));
      const req: ReportRequest = { organisationId: org, startDate, endDate, profiles, limit: REPORT_LIMITS.maxLimit, ...(useZone ? { timeZone } : { timezoneOffset: offsetText }) };
      const rest = await restCounts(svc, req);
      const sql = await sqlCounts(c, useZone ? timeZone : offsetText, startDate, endDate, all ? null : profiles);
      const context = `seed ${seed}, case ${i}: ${JSON.stringify(req)}`;
      expect({ context, sql }).toEqual({ context, sql: rest });
      // And both equal a count over the raw events (so equality is not two copies of one mistake).
      const brute = bruteForceReport(events, { organisationId: org, zone: useZone ? { timeZone } : { offsetMinutes }, startDate, endDate, profiles });
      expect({ context, sql }).toEqual({ context, sql: brute });
      if (sql.length) nonEmpty++;
    }
    expect(nonEmpty).toBeGreaterThan(20);
  });

  it('credential_counts_daily rejects what the API rejects: bad offsets, unknown zones, reversed ranges', async () => {
    const c = await analyst(newOrgId());
    for (const tz of ['+02:10', '+15:00', '02:00', 'Mars/Olympus', 'PST', 'EST+5', '']) {
      await expect(c.query(`SELECT * FROM analytics.credential_counts_daily($1, '2024-01-01', '2024-01-02')`, [tz])).rejects.toMatchObject({ code: '22023' });
    }
    await expect(c.query(`SELECT * FROM analytics.credential_counts_daily('Z', '2024-01-02', '2024-01-01')`)).rejects.toMatchObject({ code: '22023' });
    // The API refuses zones whose offset is not 15-minute aligned (local mean time before 1970 here).
    await expect(c.query(`SELECT * FROM analytics.credential_counts_daily('Africa/Monrovia', '1971-01-01', '1971-01-02')`)).rejects.toMatchObject({
      code: '22023',
    });
  });

  describe('tenant wall', () => {
    const a = newOrgId();
    const b = newOrgId();
    const SEEDED: Record<string, number> = { activity_records: 3, activity_chains: 2, history_entries: 4, session_events: 3 };

    beforeAll(async () => {
      for (const org of [a, b]) {
        const activityIds = [randomUUID(), randomUUID()];
        for (let i = 0; i < SEEDED.activity_records; i++) {
          await ds.query(
            `INSERT INTO activity.records (id, organisation_id, activity_id, event_type, ts, actor_profile_id, recipient_type, recipient_identifier, source, metadata, position)
             VALUES ($1, $2, $3, $4, now() - $5 * interval '1 minute', 'actor', 'email', 'someone@example.com', 'test', '{}', $5)`,
            [randomUUID(), org, activityIds[i % 2], i === 0 ? 'CREATED' : 'DELIVERED', i],
          );
        }
        for (let i = 0; i < SEEDED.activity_chains; i++) {
          await ds.query(
            `INSERT INTO activity.activities (activity_id, organisation_id, latest_event_type, latest_ts, latest_event_id, started_at, sent_at, claimed_at, event_count)
             VALUES ($1, $2, $3, now(), $4, now() - interval '1 hour', now() - interval '50 minutes', CASE WHEN $5 THEN now() - interval '10 minutes' END, 3)`,
            [activityIds[i], org, i === 0 ? 'CLAIMED' : 'DELIVERED', randomUUID(), i === 0],
          );
        }
        for (let i = 0; i < SEEDED.history_entries; i++) {
          await ds.query(
            `INSERT INTO history.entries (id, organisation_id, created_date, action, entity_id, entity_type, name, source, event_type, metadata, s_cv)
             VALUES ($1, $2, now(), 'CREATED', $3, 'CREDENTIAL', 'cred', 'CORE', 'credential.created', '{}', 'secret-claim-value')`,
            [randomUUID(), org, randomUUID()],
          );
        }
        for (let i = 0; i < SEEDED.session_events; i++) {
          await ds.query(
            `INSERT INTO event_log.events (event_id, organisation_id, event_type, ts_ms, status, action, target, published)
             VALUES ($1, $2, 'verification.session', $3, 'SUCCESS', 'ISSUE', 'x', $4)`,
            [randomUUID(), org, Date.now(), JSON.stringify({ _id: randomUUID(), organisationId: org })],
          );
        }
      }
      await upsertReportCounts(
        ds,
        aggregateReportEvents([a, b].map((org) => reportEvent({ organisationid: org, time: '2024-05-05T12:00:00Z', profile: 'mdoc' }))),
      );
    });

    it('an analyst of A sees every row of A and none of B in every view, even after setting app.organisation_id to B', async () => {
      const c = await analyst(a);
      for (const setting of [null, b]) {
        if (setting) await c.query(`SELECT set_config('app.organisation_id', $1, false)`, [setting]);
        for (const [view, n] of Object.entries(SEEDED)) {
          const r = await c.query(`SELECT organisation_id FROM analytics.${view} WHERE organisation_id IN ($1, $2)`, [a, b]);
          expect({ view, setting, orgs: r.rows.map((x) => x.organisation_id) }).toEqual({ view, setting, orgs: new Array(n).fill(a) });
          const all = await c.query(`SELECT count(*)::int AS n, count(*) FILTER (WHERE organisation_id <> $1)::int AS foreign FROM analytics.${view}`, [a]);
          expect({ view, ...all.rows[0] }).toEqual({ view, n, foreign: 0 });
        }
        const counts = await c.query(`SELECT count FROM analytics.credential_counts_daily('Z', '2024-05-05', '2024-05-05')`);
        expect(counts.rows).toEqual([{ count: '1' }]);
      }
      // The stats inputs of the chains.
      const chains = await c.query(`SELECT status, claimed, delivered, created, expired, failed, round(time_to_claim_ms)::int AS ttc FROM analytics.activity_chains ORDER BY status`);
      expect(chains.rows).toEqual([
        { status: 'CLAIMED', claimed: true, delivered: false, created: false, expired: false, failed: false, ttc: 40 * 60_000 },
        { status: 'DELIVERED', claimed: false, delivered: true, created: false, expired: false, failed: false, ttc: null },
      ]);
      // History entries carry no claim values.
      const cols = await c.query(`SELECT column_name FROM information_schema.columns WHERE table_schema = 'analytics' AND table_name = 'history_entries'`);
      expect(cols.rows.map((x) => x.column_name)).not.toEqual(expect.arrayContaining(['s_cv']));
      const text = await c.query(`SELECT count(*)::int AS n FROM analytics.history_entries h WHERE row_to_json(h)::text LIKE '%secret-claim-value%'`);
      expect(text.rows[0].n).toBe(0);
      // The login's own binding only.
      const mapping = await c.query(`SELECT organisation_id FROM analytics.login_organisations`);
      expect(mapping.rows).toEqual([{ organisation_id: a }]);
    });

    it('an analyst of B sees B only; a login with no binding sees nothing', async () => {
      const cb = await analyst(b);
      const r = await cb.query(`SELECT DISTINCT organisation_id FROM analytics.history_entries`);
      expect(r.rows).toEqual([{ organisation_id: b }]);
      const none = await analyst(null);
      for (const view of Object.keys(SEEDED)) {
        expect((await none.query(`SELECT count(*)::int AS n FROM analytics.${view}`)).rows[0].n).toBe(0);
      }
      expect((await none.query(`SELECT * FROM analytics.credential_counts_daily('Z', '2024-05-05', '2024-05-05')`)).rows).toEqual([]);
    });

    it('an analyst cannot read internal schemas, call internal functions, change the binding, take other roles or leak rows through a function', async () => {
      const c = await analyst(a);
      const denied = async (sql: string, params: unknown[] = []) => {
        await expect(c.query(sql, params)).rejects.toMatchObject({ code: '42501' });
      };
      for (const t of [
        'reports.daily_counts',
        'activity.records',
        'activity.activities',
        'activity.stats_counters',
        'history.entries',
        'history.entities',
        'history.counts',
        'event_log.events',
        'projection.state',
        'projection.checkpoints',
      ]) {
        await denied(`SELECT * FROM ${t} LIMIT 1`);
      }
      await denied(`SELECT reports.add_counts(ARRAY[1]::bigint[], ARRAY[1]::bigint[])`);
      await denied(`SELECT activity.ttc_bucket(1000)`);
      await denied(`INSERT INTO analytics.login_organisations (login, organisation_id) VALUES (session_user, $1)`, [b]);
      await denied(`UPDATE analytics.login_organisations SET organisation_id = $1`, [b]);
      await denied(`DELETE FROM analytics.login_organisations`);
      await denied(`CREATE VIEW analytics.mine AS SELECT 1`);
      await denied(`SET ROLE cep_analytics_owner`);
      await denied(`SET ROLE cep_gateway`);
      await expect(c.query(`SET SESSION AUTHORIZATION postgres`)).rejects.toMatchObject({ code: '42501' });
      await denied(`CREATE OR REPLACE FUNCTION analytics.credential_counts_daily(time_zone text, start_date date, end_date date, profiles text[] DEFAULT NULL)
        RETURNS TABLE (date date, operation text, profile text, credential_type text, count bigint) LANGUAGE sql AS $$ SELECT NULL::date, '', '', '', 0::bigint $$`);

      // A leaky function in a predicate sees only rows the wall already admitted (security barrier + RLS).
      await c.query(`CREATE FUNCTION pg_temp.leak(text) RETURNS boolean LANGUAGE plpgsql COST 0.0000001 AS $$ BEGIN RAISE NOTICE 'seen %', $1; RETURN true; END $$`);
      const seen: string[] = [];
      c.on('notice', (n) => seen.push(String(n.message)));
      for (const view of Object.keys(SEEDED)) await c.query(`SELECT * FROM analytics.${view} WHERE pg_temp.leak(organisation_id)`);
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.filter((m) => m.includes(b))).toEqual([]);
    });
  });
});
