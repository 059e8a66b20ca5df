import type { BenchRow } from '../bench-types';
import type { BenchContext } from '../lib/context';
import { ensureGateway, token } from '../lib/gateway';
import { load, type LoadResult } from '../lib/load';
import { median, round } from '../lib/stats';
import { analyzeSchema } from '../../tools/projection/projection-rebuild';
import { PROJECTION_SPECS } from '../lib/projections';

interface QuerySpec {
  model: string;
  name: string;
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
}

/**
 * Queries: the gateway process on the benchmark database (the read models as the ingest left them: N events),
 * loaded by autocannon (10 connections, closed loop) for each read model's main queries, as the largest
 * organisation (~28% of the events). A query whose route does not answer 200 (read model not served yet) is
 * reported as skipped. The read-model sections (bench/sections/<model>.bench.ts) add their own detailed queries.
 *
 * Row-level security: a second gateway process runs with GATEWAY_RLS=off (queries straight on the pool, no tenant
 * transaction, no policy). Each query is loaded in 5 rounds (quick) or 3 (full), alternating the two processes (on/off, then
 * off/on, ...: drift of the machine hits both alike); the figures are the medians of the rounds, and the RLS rows
 * compare them (target: at most 10% fewer requests per second, p99 at most 10% higher).
 */

export async function runQueriesBench(ctx: BenchContext): Promise<BenchRow[]> {
  const { infra, opts, log } = ctx;
  // Planner statistics first: the ingest bulk-filled the read models, and autovacuum (which would analyze them in
  // production) may not have run yet — on the benchmark machine it is off altogether.
  const ta = Date.now();
  for (const spec of PROJECTION_SPECS) await analyzeSchema(infra.pool, spec.schema);
  log(`queries: ANALYZE of the read models in ${((Date.now() - ta) / 1000).toFixed(1)} s`);
  const gw = await ensureGateway(infra);
  const gwOff = await ensureGateway(infra, { rls: 'off' });
  const org = ctx.mix.organisations[0];
  const auth = { authorization: `Bearer ${await token(org)}`, 'content-type': 'application/json' };
  const one = async (sql: string): Promise<string | undefined> => {
    try {
      const r = await infra.pool.query(sql, [org]);
      return r.rows[0] ? String(Object.values(r.rows[0])[0]) : undefined;
    } catch {
      return undefined;
    }
  };
  const entityId = await one(`SELECT entity_id FROM history.entries WHERE organisation_id = $1 ORDER BY created_date DESC LIMIT 1 OFFSET 100`);
  const preloaded = ctx.state.preload?.events ?? 0;
  const day = (offset: number) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);
  const weekAgo = new Date(Date.now() - 7 * 86400000).toISOString();
  const queries: QuerySpec[] = [
    { model: 'history', name: 'list, newest first (page 0, 20)', method: 'GET', path: '/api/history/v1?page=0&pageSize=20' },
    { model: 'history', name: 'by entityId', method: 'GET', path: `/api/history/v1?entityId=${entityId ?? '00000000-0000-4000-8000-000000000000'}` },
    { model: 'history', name: 'by action (REVOKED)', method: 'GET', path: '/api/history/v1?action=REVOKED&pageSize=20' },
    { model: 'history', name: 'by entityType (PROOF), last 7 days', method: 'GET', path: `/api/history/v1?entityTypes=PROOF&createdDateFrom=${encodeURIComponent(weekAgo)}&pageSize=20` },
    { model: 'history', name: 'text search (claim value)', method: 'GET', path: '/api/history/v1?searchText=Family12&searchType=claimValue&pageSize=20' },
    {
      model: 'reports',
      name: '90-day credential report, all profiles',
      method: 'POST',
      path: '/v1/events/credential-reports',
      body: { startDate: day(-90), endDate: day(0), timezoneOffset: '+00:00', profiles: ['mdoc', 'cwt', 'sd-jwt-vc', 'jwt-vc'] },
    },
    { model: 'activity', name: 'list, first page (25)', method: 'GET', path: '/v1/activity/credentials?limit=25' },
    { model: 'activity', name: 'stats', method: 'GET', path: '/v1/activity/credentials/stats' },
    { model: 'event-log', name: 'query VerificationEvent, newest first', method: 'POST', path: '/v1/events/query', body: { eventType: ['VerificationEvent'] } },
  ];
  const rows: BenchRow[] = [];
  const seconds = opts.queryDurationSeconds;
  const ratios: { rps: number; p99: number }[] = [];
  const RLS_ROUNDS = opts.quick ? 5 : 3;
  for (const q of queries) {
    const url = `${gw.url}${q.path}`;
    const urlOff = `${gwOff.url}${q.path}`;
    const body = q.body === undefined ? undefined : JSON.stringify(q.body);
    const probe = await fetch(url, { method: q.method, headers: auth, body });
    const label = `${q.model}: ${q.name}`;
    if (probe.status !== 200) {
      log(`queries ${label}: skipped (HTTP ${probe.status})`);
      rows.push({ section: 'queries', name: label, value: NaN, unit: 'req/s', note: `skipped: the route answered HTTP ${probe.status} on this build` });
      continue;
    }
    const on: LoadResult[] = [];
    const off: LoadResult[] = [];
    for (let round = 0; round < RLS_ROUNDS; round++) {
      for (const rls of round % 2 === 0 ? ['on', 'off'] : ['off', 'on']) {
        const r = await load({ url: rls === 'on' ? url : urlOff, method: q.method, headers: auth, body, connections: 10, seconds });
        (rls === 'on' ? on : off).push(r);
        log(`queries ${label} [RLS ${rls}]: ${Math.round(r.rps)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms (${r.non2xx} non-2xx)`);
      }
    }
    const m = (rs: LoadResult[], k: 'rps' | 'p50' | 'p99' | 'total' | 'non2xx' | 'errors') => median(rs.map((r) => r[k]));
    const [rps, p50, p99, rpsOff, p99Off] = [m(on, 'rps'), m(on, 'p50'), m(on, 'p99'), m(off, 'rps'), m(off, 'p99')];
    const bad = on.reduce((n, r) => n + r.non2xx + r.errors, 0) + off.reduce((n, r) => n + r.non2xx + r.errors, 0);
    rows.push({
      section: 'queries',
      name: `${label} @ ${preloaded.toLocaleString('en-US')} events`,
      value: round(rps, 0),
      unit: 'req/s',
      note: `RLS on; median of ${RLS_ROUNDS} runs of ${seconds} s, 10 connections; p50 ${p50} ms, p99 ${p99} ms${bad ? `, ${bad} non-2xx/errors` : ''}`,
    });
    rows.push({ section: 'queries', name: `${label} p99`, value: p99, unit: 'ms', note: `p50 ${p50} ms (RLS on)` });
    const rpsRatio = rps / rpsOff;
    const p99Ratio = p99Off > 0 ? p99 / p99Off : 1;
    ratios.push({ rps: rpsRatio, p99: p99Ratio });
    rows.push({
      section: 'queries',
      name: `${label}: req/s with RLS vs GATEWAY_RLS=off`,
      value: round(rps, 0),
      unit: 'req/s',
      baseline: round(rpsOff, 0),
      ratio: round(rpsRatio, 3),
      target: '≥ 0.9× without RLS',
      met: rpsRatio >= 0.9,
      note: `runs on/off: ${on.map((r) => Math.round(r.rps)).join(', ')} / ${off.map((r) => Math.round(r.rps)).join(', ')} req/s`,
    });
    rows.push({
      section: 'queries',
      name: `${label}: p99 with RLS vs GATEWAY_RLS=off`,
      value: p99,
      unit: 'ms',
      baseline: p99Off,
      ratio: round(p99Ratio, 3),
      target: '≤ 1.1× without RLS',
      met: p99Ratio <= 1.1,
      note: `runs on/off: ${on.map((r) => r.p99).join(', ')} / ${off.map((r) => r.p99).join(', ')} ms`,
    });
  }
  if (ratios.length) {
    const rr = median(ratios.map((r) => r.rps));
    const pr = median(ratios.map((r) => r.p99));
    rows.push({
      section: 'queries',
      name: `RLS cost over the ${ratios.length} gateway queries (median of the per-query ratios)`,
      value: round(rr, 3),
      unit: '× req/s',
      baseline: 1,
      ratio: round(rr, 3),
      target: '≥ 0.9 (≤ 10% slower)',
      met: rr >= 0.9,
      note: `p99 ratio median ${round(pr, 3)}×; worst req/s ratio ${round(Math.min(...ratios.map((r) => r.rps)), 3)}×`,
    });
  }
  return rows;
}
