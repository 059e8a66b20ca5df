/**
 * Activity read model benchmark: loads N issuances (one tenant, the worst case) with COPY into
 * `activity.activities` and ~1.6 N events into `activity.records`, then measures the gateway's queries through
 * the query service (same SQL as the HTTP path, without HTTP): stats p50/p95 (unfiltered, by template, by
 * integration, by date window) and list pages p50/p95 (first page, deep keyset page, filtered, polling).
 *
 *   node -r @swc-node/register bench/sections/activity.bench.ts --activities 1000000 [--quick]
 *
 * Standalone it creates (and drops) its own database; called from bench/run.ts it uses DATABASE_URL and
 * removes its tenant's rows afterwards.
 */
import 'reflect-metadata';
import { randomUUID } from 'crypto';
import { Readable } from 'stream';
import { pipeline } from 'stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { DataSource } from 'typeorm';
import { ActivityQueryService, backfillActivityStats, type ActivityListQuery, type ActivityStatsQuery } from '@cep/activity';
import { connectDatabase, loadConfig, PlatformConfig } from '@cep/platform';
import { mainOf } from '../lib/standalone';
import type { BenchRow } from '../bench-types';
import { seededRandom } from '../lib/random';

const SECTION = 'activity';
const T0 = Date.parse('2025-01-01T00:00:00.000Z');
const YEAR_MS = 365 * 86400000;
const BOOSTS = 20;
const INTEGRATIONS = 5;

/** UUIDv7-shaped id from a time and a counter (unique, time-ordered). */
function uuid7(ms: number, n: number): string {
  const h = ms.toString(16).padStart(12, '0');
  const c = n.toString(16).padStart(15, '0');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-7${c.slice(0, 3)}-8${c.slice(3, 6)}-${c.slice(6, 15)}000`;
}

interface Generated {
  activities: number;
  records: number;
}

/** Streams the fixture into both tables with COPY (text format). */
async function load(url: string, client: Client, org: string, n: number, startPosition: number): Promise<Generated> {
  const rand = seededRandom(42);
  const iso = (ms: number) => new Date(ms).toISOString();
  let records = 0;
  const actLines: string[] = [];
  const recLines: string[] = [];
  let position = startPosition;
  let eventN = 0;
  const chunk = 20000;
  let i = 0;

  const activityStream = new Readable({ read() {} });
  const recordStream = new Readable({ read() {} });
  const actCopy = client.query(
    copyFrom(`COPY activity.activities (activity_id, organisation_id, latest_event_type, latest_ts, latest_event_id, boost_uri, integration_id,
      recipient_type, recipient_identifier, started_at, sent_at, claimed_at, event_count) FROM STDIN`),
  );
  const actDone = pipeline(activityStream, actCopy);
  // One connection cannot run two COPYs at once: records go through a second client.
  const recClient = new Client({ connectionString: url });
  await recClient.connect();
  const recCopy = recClient.query(
    copyFrom(`COPY activity.records (id, organisation_id, activity_id, event_type, ts, actor_profile_id, recipient_type, recipient_identifier,
      boost_uri, credential_uri, inbox_credential_id, integration_id, source, metadata, position) FROM STDIN`),
  );
  const recDone = pipeline(recordStream, recCopy);

  while (i < n) {
    const end = Math.min(n, i + chunk);
    for (; i < end; i++) {
      const sent = T0 + Math.floor((i / n) * YEAR_MS) + Math.floor(rand() * 60000);
      const activityId = uuid7(sent, i);
      const profile = rand() < 0.3;
      const recipientType = profile ? 'profile' : rand() < 0.8 ? 'email' : 'phone';
      const recipient = profile ? `did:web:h${i}.example` : recipientType === 'email' ? `h${i}@example.com` : `+1555${String(i).padStart(7, '0')}`;
      const boost = `boost:${Math.floor(rand() * BOOSTS)}`;
      const integration = `int-${Math.floor(rand() * INTEGRATIONS)}`;
      const r = rand();
      const sendType = profile ? 'DELIVERED' : 'CREATED';
      const terminal = r < 0.45 ? null : r < 0.8 ? 'CLAIMED' : r < 0.95 ? 'EXPIRED' : 'FAILED';
      const endMs = terminal === 'CLAIMED' ? sent + Math.floor(rand() * 14 * 86400000) : terminal === 'EXPIRED' ? sent + 30 * 86400000 : sent + 5000;
      const sendId = uuid7(sent, ++eventN);
      const common = `${org}\t${activityId}`;
      recLines.push(
        `${sendId}\t${common}\t${sendType}\t${iso(sent)}\tissuer-admin\t${recipientType}\t${recipient}\t${boost}\t${profile ? `uri:c:${i}` : '\\N'}\t${profile ? '\\N' : `inbox-${i}`}\t${integration}\tsend\t\\N\t${position++}`,
      );
      let latestId = sendId;
      let latestType = sendType;
      let latestMs = sent;
      if (terminal) {
        const id = uuid7(endMs, ++eventN);
        const meta = terminal === 'FAILED' ? '{"error":"mailbox unavailable"}' : '\\N';
        recLines.push(
          `${id}\t${common}\t${terminal}\t${iso(endMs)}\t${terminal === 'CLAIMED' ? 'holder' : 'issuer-admin'}\t${recipientType}\t${recipient}\t${boost}\t\\N\t\\N\t${integration}\t${terminal === 'CLAIMED' ? 'inbox' : 'send'}\t${meta}\t${position++}`,
        );
        latestId = id;
        latestType = terminal;
        latestMs = endMs;
      }
      records += terminal ? 2 : 1;
      actLines.push(
        `${activityId}\t${org}\t${latestType}\t${iso(latestMs)}\t${latestId}\t${boost}\t${integration}\t${recipientType}\t${recipient}\t${iso(sent)}\t${iso(sent)}\t${terminal === 'CLAIMED' ? iso(endMs) : '\\N'}\t${terminal ? 2 : 1}`,
      );
    }
    activityStream.push(actLines.join('\n') + '\n');
    recordStream.push(recLines.join('\n') + '\n');
    actLines.length = 0;
    recLines.length = 0;
    // Let the COPY streams drain before generating more.
    await new Promise((r) => setImmediate(r));
  }
  activityStream.push(null);
  recordStream.push(null);
  await Promise.all([actDone, recDone]);
  await recClient.end();
  await client.query(`UPDATE activity.feed_position SET next = GREATEST(next, $1)`, [position]);
  return { activities: n, records };
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

async function time(fn: () => Promise<unknown>, repeats: number): Promise<{ p50: number; p95: number }> {
  await fn(); // warm-up (plan cache, buffers)
  const xs: number[] = [];
  for (let k = 0; k < repeats; k++) {
    const t = process.hrtime.bigint();
    await fn();
    xs.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return { p50: Math.round(pct(xs, 50) * 100) / 100, p95: Math.round(pct(xs, 95) * 100) / 100 };
}

export async function runActivityBench(opts: { activities: number; quick: boolean }): Promise<BenchRow[]> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is required (the migrated benchmark database)');
  const n = opts.activities;
  const repeats = opts.quick ? 20 : 100;
  const org = `bench-activity-${randomUUID()}`;
  const client = new Client({ connectionString: url });
  await client.connect();
  const cfg = loadConfig(PlatformConfig, { ...process.env, DATABASE_URL: url, DATABASE_STATEMENT_TIMEOUT_MS: '0' });
  let ds: DataSource | undefined;
  const rows: BenchRow[] = [];
  try {
    const [{ next }] = (await client.query(`SELECT next FROM activity.feed_position WHERE id = 1`)).rows;
    const t0 = Date.now();
    const g = await load(url, client, org, n, Number(next));
    const loadSeconds = (Date.now() - t0) / 1000;
    // The COPY bypasses the projection: build the tenant's stats counters the way the migration backfills them.
    const tb = Date.now();
    await backfillActivityStats(client, org);
    const backfillSeconds = (Date.now() - tb) / 1000;
    await client.query(`VACUUM ANALYZE activity.activities`);
    await client.query(`VACUUM ANALYZE activity.records`);
    await client.query(`VACUUM ANALYZE activity.stats_counters`);
    await client.query(`VACUUM ANALYZE activity.ttc_histogram`);
    const [{ counters, buckets }] = (
      await client.query(
        `SELECT (SELECT count(*) FROM activity.stats_counters WHERE organisation_id = $1)::int AS counters,
                (SELECT count(*) FROM activity.ttc_histogram WHERE organisation_id = $1)::int AS buckets`,
        [org],
      )
    ).rows;
    rows.push({
      section: SECTION,
      name: 'stats counters backfill (migration SQL)',
      value: Math.round(backfillSeconds * 10) / 10,
      unit: 's',
      note: `${counters.toLocaleString('en-US')} counter rows, ${buckets.toLocaleString('en-US')} histogram rows (4 grains)`,
    });
    rows.push({
      section: SECTION,
      name: `load ${g.activities.toLocaleString('en-US')} activities + ${g.records.toLocaleString('en-US')} records (COPY)`,
      value: Math.round(loadSeconds * 10) / 10,
      unit: 's',
      note: `${Math.round(g.records / loadSeconds).toLocaleString('en-US')} records/s, then VACUUM ANALYZE`,
    });

    ds = await connectDatabase(cfg, { applicationName: 'bench-activity' });
    const svc = new ActivityQueryService(ds);
    const statsCases: [string, ActivityStatsQuery][] = [
      ['stats, all issuances', { organisationId: org }],
      ['stats, 2 templates (boostUris)', { organisationId: org, boostUris: ['boost:3', 'boost:7'] }],
      ['stats, one integration', { organisationId: org, integrationId: 'int-2' }],
      ['stats, 30-day window', { organisationId: org, startDate: '2025-06-01T00:00:00.000Z', endDate: '2025-06-30T23:59:59.999Z' }],
      ['stats, window with time-of-day edges', { organisationId: org, startDate: '2025-03-10T13:30:00Z', endDate: '2025-04-20T08:15:00Z' }],
      ['stats, template + integration + window', { organisationId: org, boostUris: ['boost:3'], integrationId: 'int-1', startDate: '2025-02-01T00:00:00Z', endDate: '2025-02-28T23:59:59.999999Z' }],
    ];
    for (const [name, q] of statsCases) {
      const r = await time(() => svc.stats(q), repeats);
      const total = (await svc.stats(q)).total;
      rows.push({ section: SECTION, name: `${name} p50`, value: r.p50, unit: 'ms', note: `${total.toLocaleString('en-US')} issuances in the set` });
      rows.push({ section: SECTION, name: `${name} p95`, value: r.p95, unit: 'ms', target: '≤ 50 ms', met: r.p95 <= 50 });
    }

    // Check against a full scan of the issuances: counts equal, time-to-claim estimate vs exact percentile_cont.
    {
      const st = await svc.stats({ organisationId: org });
      const [x] = (
        await client.query(
          `SELECT count(*)::int AS total, count(*) FILTER (WHERE latest_event_type = 'CLAIMED')::int AS claimed,
                  percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM claimed_at - sent_at) * 1000) FILTER (WHERE claimed_at IS NOT NULL) AS median,
                  percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM claimed_at - sent_at) * 1000) FILTER (WHERE claimed_at IS NOT NULL) AS p90
           FROM activity.activities WHERE organisation_id = $1`,
          [org],
        )
      ).rows;
      const err = (a: number | null, b: number) => Math.round((Math.abs((a ?? 0) - b) / b) * 10000) / 100;
      rows.push({
        section: SECTION,
        name: 'stats vs full scan: time-to-claim error (median / p90)',
        value: Math.max(err(st.timeToClaim.medianMs, Number(x.median)), err(st.timeToClaim.p90Ms, Number(x.p90))),
        unit: '%',
        note: `counts ${st.total === x.total && st.claimed === x.claimed ? 'identical' : 'DIFFER'}; median ${st.timeToClaim.medianMs} vs ${Math.round(Number(x.median))} ms (${err(st.timeToClaim.medianMs, Number(x.median))} %), p90 ${st.timeToClaim.p90Ms} vs ${Math.round(Number(x.p90))} ms (${err(st.timeToClaim.p90Ms, Number(x.p90))} %)`,
      });
    }

    const first = await svc.list({ organisationId: org, limit: 25 });
    // a deep page: walk 40 pages to get a cursor from the middle of the newest records
    let deep = first.cursor!;
    for (let k = 0; k < 40; k++) deep = (await svc.list({ organisationId: org, limit: 100, cursor: deep })).cursor!;
    const listCases: [string, ActivityListQuery][] = [
      ['list, first page (25)', { organisationId: org, limit: 25 }],
      ['list, keyset page after 4,000 records (25)', { organisationId: org, limit: 25, cursor: deep }],
      ['list, eventType=CLAIMED (25)', { organisationId: org, limit: 25, eventType: 'CLAIMED' }],
      ['list, boostUri + date window (100)', { organisationId: org, limit: 100, boostUri: 'boost:5', startDate: '2025-03-01T00:00:00Z', endDate: '2025-03-31T23:59:59Z' }],
      ['list, after mode from the start (100)', { organisationId: org, limit: 100, after: '0' }],
    ];
    for (const [name, q] of listCases) {
      const r = await time(() => svc.list(q), repeats);
      rows.push({ section: SECTION, name: `${name} p50`, value: r.p50, unit: 'ms' });
      rows.push({ section: SECTION, name: `${name} p95`, value: r.p95, unit: 'ms', target: '≤ 30 ms', met: r.p95 <= 30 });
    }
    const chainId = first.records[0].activityId;
    const c = await time(() => svc.chain(org, chainId), repeats);
    rows.push({ section: SECTION, name: 'chain p95', value: c.p95, unit: 'ms', note: `p50 ${c.p50} ms` });
  } finally {
    await ds?.destroy();
    await client.query(`DELETE FROM activity.records WHERE organisation_id = $1`, [org]).catch(() => undefined);
    await client.query(`DELETE FROM activity.activities WHERE organisation_id = $1`, [org]).catch(() => undefined);
    await client.query(`DELETE FROM activity.stats_counters WHERE organisation_id = $1`, [org]).catch(() => undefined);
    await client.query(`DELETE FROM activity.ttc_histogram WHERE organisation_id = $1`, [org]).catch(() => undefined);
    await client.end();
  }
  return rows;
}

if (require.main === module) {
  mainOf({ name: 'activity', sizeFlag: 'activities', defaultSize: 1000000, quickSize: 20000, run: (size, quick) => runActivityBench({ activities: size, quick }) });
}
