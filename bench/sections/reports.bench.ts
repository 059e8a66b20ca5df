/**
 * Credential reports benchmark: generates N credential events for one tenant (the worst case) spread over
 * 2025, aggregates them with the projection's own pure function (`aggregateReportEvents`) and COPYs the
 * resulting rows into `reports.daily_counts`; the same raw events are COPYed into a comparison table.
 * It then measures a 365-day report through the query service (same code as the HTTP path, without HTTP)
 * against a GROUP BY over the raw events, and asserts both give the same entries.
 *
 *   node -r @swc-node/register bench/sections/reports.bench.ts --events 1000000 [--quick] [--keep]
 *
 * Standalone it creates (and drops) its own database; from bench/run.ts it uses the run's database and
 * removes its rows and comparison table afterwards.
 */
import 'reflect-metadata';
import { randomUUID } from 'crypto';
import { Readable } from 'stream';
import { pipeline } from 'stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { DataSource } from 'typeorm';
import { connectDatabase, loadConfig, PlatformConfig } from '@cep/platform';
import {
  aggregateReportEvents,
  cumulativeLiteral,
  OPERATION_BY_EVENT_TYPE,
  reportedCredentialType,
  ReportQueryService,
  type ReportDayCounts,
  type ReportEntry,
  type ReportRequest,
  type ReportSourceEvent,
} from '@cep/reports';
import { connectAs, createAnalystLogin, dropAnalystLogin, uniqueLogin } from '../../libs/analytics/src/testing/analyst-login';
import { mainOf } from '../lib/standalone';
import type { BenchRow } from '../bench-types';
import { seededRandom } from '../lib/random';

const SECTION = 'reports';
const T0 = Date.parse('2025-01-01T00:00:00.000Z');
const YEAR_MS = 365 * 86_400_000;
const TYPES: [string, number][] = [
  ['credential.accepted', 0.7],
  ['credential.revoked', 0.15],
  ['credential.suspended', 0.1],
  ['credential.reactivated', 0.05],
];
const CREDENTIAL_TYPES: Record<string, string[]> = {
  mdoc: ['org.iso.18013.5.1.mDL', 'eu.europa.ec.eudi.pid.1', 'org.iso.23220.photoid.1'],
  cwt: ['VerifiedEmployee', 'StudentCard'],
  'sd-jwt-vc': ['urn:eu.europa.ec.eudi:pid:1', 'IdentityCredential'],
};
const PROFILES = Object.keys(CREDENTIAL_TYPES);

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

async function time(fn: () => Promise<unknown>, repeats: number): Promise<{ p50: number; p95: number }> {
  await fn(); // warm-up (plan cache, zone rules)
  const xs: number[] = [];
  for (let k = 0; k < repeats; k++) {
    const t = process.hrtime.bigint();
    await fn();
    xs.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return { p50: Math.round(pct(xs, 50) * 100) / 100, p95: Math.round(pct(xs, 95) * 100) / 100 };
}

/**
 * Generates the events in chunks; each chunk is aggregated by the projection's pure function (as one
 * projector batch would be) and merged into the day rows, and its raw form is streamed to COPY.
 */
async function load(client: Client, rawTable: string, org: string, n: number): Promise<{ rows: ReportDayCounts[]; seconds: number }> {
  const rand = seededRandom(42);
  const merged = new Map<string, ReportDayCounts>();
  const raw = new Readable({ read() {} });
  const rawCopy = client.query(copyFrom(`COPY ${rawTable} (organisation_id, occurred_at, operation, profile, credential_type) FROM STDIN`));
  const rawDone = pipeline(raw, rawCopy);
  const t0 = Date.now();
  const chunk = 50_000;
  for (let i = 0; i < n; i += chunk) {
    const events: ReportSourceEvent[] = [];
    const lines: string[] = [];
    for (let j = i; j < Math.min(n, i + chunk); j++) {
      const ms = T0 + Math.floor(rand() * YEAR_MS);
      let r = rand();
      let type = TYPES[0][0];
      for (const [t, w] of TYPES) {
        if (r < w) {
          type = t;
          break;
        }
        r -= w;
      }
      const profile = PROFILES[rand() < 0.5 ? 0 : rand() < 0.6 ? 1 : 2];
      const cts = CREDENTIAL_TYPES[profile];
      const credentialType = cts[Math.floor(rand() * cts.length)];
      const time = new Date(ms).toISOString();
      events.push({ type, time, organisationid: org, data: { profile, credentialType } });
      const op = OPERATION_BY_EVENT_TYPE[type];
      lines.push(`${org}\t${time}\t${op}\t${profile}\t${reportedCredentialType(op, credentialType)}\n`);
    }
    for (const row of aggregateReportEvents(events)) {
      const key = `${row.day}|${row.operation}|${row.profile}|${row.credentialType}`;
      const cur = merged.get(key);
      if (!cur) merged.set(key, row);
      else for (let b = 0; b < row.buckets.length; b++) cur.buckets[b] += row.buckets[b];
    }
    if (!raw.push(lines.join(''))) await new Promise<void>((res) => rawCopy.once('drain', () => res()));
  }
  raw.push(null);
  await rawDone;

  const rows = [...merged.values()];
  const bucketCopy = client.query(copyFrom(`COPY reports.daily_counts (organisation_id, day, operation, profile, credential_type, cum) FROM STDIN`));
  await pipeline(
    Readable.from(rows.map((r) => `${r.organisationId}\t${r.day}\t${r.operation}\t${r.profile}\t${r.credentialType}\t${cumulativeLiteral(r.buckets)}\n`)),
    bucketCopy,
  );
  return { rows, seconds: (Date.now() - t0) / 1000 };
}

/** The same report by brute force: GROUP BY over the raw events (local date computed by PostgreSQL). */
async function rawReport(client: Client, rawTable: string, org: string, q: { zone: string; offsetMinutes?: number; from: string; to: string; profiles: string[]; limit: number }): Promise<ReportEntry[]> {
  // Offsets as plain interval arithmetic on UTC wall time (AT TIME ZONE '+05:45' would be POSIX-inverted).
  const local = q.offsetMinutes !== undefined ? `((occurred_at AT TIME ZONE 'UTC') + make_interval(mins => $6))` : `(occurred_at AT TIME ZONE $6)`;
  const res = await client.query(
    `SELECT to_char(${local}::date, 'YYYY-MM-DD') AS date, operation, profile, credential_type, count(*)::int AS count
     FROM ${rawTable}
     WHERE organisation_id = $1 AND occurred_at >= $2 AND occurred_at < $3 AND profile = ANY($4)
     GROUP BY 1, 2, 3, 4
     ORDER BY 1 DESC, 2, 3, 4
     LIMIT $5`,
    [org, q.from, q.to, q.profiles, q.limit, q.offsetMinutes !== undefined ? q.offsetMinutes : q.zone],
  );
  return res.rows.map((r) => ({ date: r.date, operation: r.operation, profile: r.profile, ...(r.credential_type ? { credentialType: r.credential_type } : {}), count: r.count }));
}

export async function runReportsBench(opts: { events: number; quick: boolean; databaseUrl?: string }): Promise<BenchRow[]> {
  const url = opts.databaseUrl ?? process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is required (the migrated benchmark database)');
  const n = opts.events;
  const repeats = opts.quick ? 15 : 100;
  const rawRepeats = opts.quick ? 2 : n >= 5_000_000 ? 3 : 5;
  const org = `bench-reports-${randomUUID()}`;
  const rawTable = `public.bench_report_raw_${Math.random().toString(36).slice(2, 10)}`;
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query(`SET statement_timeout = 0`);
  const cfg = loadConfig(PlatformConfig, { ...process.env, DATABASE_URL: url, DATABASE_STATEMENT_TIMEOUT_MS: '0' });
  let ds: DataSource | undefined;
  let analyst: Client | undefined;
  const login = uniqueLogin('bench_analyst');
  const rows: BenchRow[] = [];
  try {
    await client.query(`CREATE UNLOGGED TABLE ${rawTable} (organisation_id text NOT NULL, occurred_at timestamptz NOT NULL,
      operation text COLLATE "C" NOT NULL, profile text COLLATE "C" NOT NULL, credential_type text COLLATE "C" NOT NULL)`);
    const loaded = await load(client, rawTable, org, n);
    const i0 = Date.now();
    await client.query(`CREATE INDEX ON ${rawTable} (organisation_id, occurred_at)`);
    await client.query(`VACUUM ANALYZE ${rawTable}`);
    await client.query(`VACUUM ANALYZE reports.daily_counts`);
    rows.push({
      section: SECTION,
      name: `load ${n.toLocaleString('en-US')} events: aggregate + COPY ${loaded.rows.length.toLocaleString('en-US')} day rows and the raw events`,
      value: Math.round(loaded.seconds * 10) / 10,
      unit: 's',
      note: `raw index + VACUUM ANALYZE ${((Date.now() - i0) / 1000).toFixed(1)} s; ${loaded.rows.length} read-model rows (96 x 15-min buckets each) for ${n.toLocaleString('en-US')} events`,
    });

    ds = await connectDatabase(cfg, { applicationName: 'bench-reports' });
    const svc = new ReportQueryService(ds, { cursorSecret: 'bench-reports-cursor-secret-0123456789abcdef' });
    // The analytics function, as a BI tool runs it: a real login of cep_analyst bound to the organisation.
    await createAnalystLogin(client, login, org);
    analyst = await connectAs(login, url);
    const sqlReport = async (c: { zone: string; req: ReportRequest }): Promise<ReportEntry[]> => {
      const r = await analyst!.query(
        `SELECT to_char(date, 'YYYY-MM-DD') AS date, operation, profile, credential_type, count FROM analytics.credential_counts_daily($1, $2::date, $3::date, $4::text[]) LIMIT $5`,
        [c.zone, c.req.startDate, c.req.endDate, c.req.profiles, c.req.limit],
      );
      return r.rows.map((x) => ({ date: x.date, operation: x.operation, profile: x.profile, ...(x.credential_type !== null ? { credentialType: x.credential_type } : {}), count: Number(x.count) }));
    };
    const cases: { name: string; req: ReportRequest; zone: string; offsetMinutes?: number; from: string; to: string }[] = [
      {
        name: '365-day report, America/New_York (DST), all entries (limit 10000)',
        req: { organisationId: org, timeZone: 'America/New_York', startDate: '2025-01-01', endDate: '2025-12-31', profiles: PROFILES, limit: 10_000 },
        zone: 'America/New_York',
        from: '2025-01-01T05:00:00Z',
        to: '2026-01-01T05:00:00Z',
      },
      {
        name: '365-day report, +05:45, all entries (limit 10000)',
        req: { organisationId: org, timezoneOffset: '+05:45', startDate: '2025-01-01', endDate: '2025-12-31', profiles: PROFILES, limit: 10_000 },
        zone: '+05:45',
        offsetMinutes: 345,
        from: '2024-12-31T18:15:00Z',
        to: '2025-12-31T18:15:00Z',
      },
      {
        name: '365-day report, -09:30, mdoc+cwt, first page (limit 1000)',
        req: { organisationId: org, timezoneOffset: '-09:30', startDate: '2025-01-01', endDate: '2025-12-31', profiles: ['cwt', 'mdoc'], limit: 1000 },
        zone: '-09:30',
        offsetMinutes: -570,
        from: '2025-01-01T09:30:00Z',
        to: '2026-01-01T09:30:00Z',
      },
    ];
    for (const c of cases) {
      const fast = await svc.report(c.req);
      const slow = await rawReport(client, rawTable, org, { zone: c.zone, offsetMinutes: c.offsetMinutes, from: c.from, to: c.to, profiles: c.req.profiles, limit: c.req.limit! });
      if (JSON.stringify(fast.data) !== JSON.stringify(slow)) {
        throw new Error(`reports bench: pre-aggregated and raw GROUP BY differ for "${c.name}" (${fast.data.length} vs ${slow.length} entries)`);
      }
      const counted = fast.data.reduce((s, e) => s + e.count, 0);
      const pre = await time(() => svc.report(c.req), repeats);
      const rawT = await time(() => rawReport(client, rawTable, org, { zone: c.zone, offsetMinutes: c.offsetMinutes, from: c.from, to: c.to, profiles: c.req.profiles, limit: c.req.limit! }), rawRepeats);
      const speedup = Math.round((rawT.p50 / pre.p50) * 10) / 10;
      rows.push({ section: SECTION, name: `${c.name} p50`, value: pre.p50, unit: 'ms', note: `${fast.data.length} entries, ${counted.toLocaleString('en-US')} operations counted; results equal to the raw GROUP BY` });
      rows.push({ section: SECTION, name: `${c.name} p95`, value: pre.p95, unit: 'ms', target: '≤ 50 ms', met: pre.p95 <= 50 });
      rows.push({ section: SECTION, name: `${c.name}: GROUP BY over raw events p50`, value: rawT.p50, unit: 'ms', note: `p95 ${rawT.p95} ms over ${rawRepeats} runs` });
      rows.push({
        section: SECTION,
        name: `${c.name}: speed-up vs raw GROUP BY (p50)`,
        value: speedup,
        unit: '×',
        baseline: rawT.p50,
        ratio: Math.round((pre.p50 / rawT.p50) * 10000) / 10000,
        target: '≥ 20×',
        met: speedup >= 20,
      });
      const viaSql = await sqlReport(c);
      if (JSON.stringify(viaSql) !== JSON.stringify(fast.data)) {
        throw new Error(`reports bench: analytics.credential_counts_daily and the report query differ for "${c.name}" (${viaSql.length} vs ${fast.data.length} entries)`);
      }
      const sqlT = await time(() => sqlReport(c), repeats);
      const fn = `${c.name}: SQL analytics.credential_counts_daily as an analyst login`;
      rows.push({ section: SECTION, name: `${fn} p50`, value: sqlT.p50, unit: 'ms', note: `same ${viaSql.length} entries as the report query (checked); RLS on, SECURITY DEFINER function` });
      rows.push({ section: SECTION, name: `${fn} p95`, value: sqlT.p95, unit: 'ms', target: '≤ 50 ms', met: sqlT.p95 <= 50 });
    }
  } finally {
    await analyst?.end().catch(() => undefined);
    await dropAnalystLogin(client, login).catch(() => undefined);
    await ds?.destroy();
    await client.query(`DELETE FROM reports.daily_counts WHERE organisation_id = $1`, [org]).catch(() => undefined);
    await client.query(`DROP TABLE IF EXISTS ${rawTable}`).catch(() => undefined);
    await client.end();
  }
  return rows;
}

if (require.main === module) {
  mainOf({ name: 'reports', sizeFlag: 'events', defaultSize: 1000000, quickSize: 20000, run: (size, quick) => runReportsBench({ events: size, quick }) });
}
