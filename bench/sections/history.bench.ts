/**
 * History read-model benchmark (issue 5).
 *   node -r @swc-node/register bench/sections/history.bench.ts --entries 1000000 [--quick] [--keep] [--iterations 30]
 *   ... --reuse cep_hbench_<id>   (measure a database kept by --keep again, without reloading)
 *   ... --parts queries,ingest,gateway   (what to measure; default queries,ingest; gateway = the gateway process
 *                                         under autocannon load for the main history queries)
 * or as the `models` section of `npm run bench` (runHistoryBench).
 *
 * 1. Creates a fresh database (`cep_hbench_<time>`), migrates it, and bulk-loads N history entries with COPY
 *    (pg-copy-streams) — 20 organisations, one holding half of the entries; credentials (with schema, issuer and
 *    holder DIDs, claims), proofs (proof schema, verifier DID, the credentials used), schemas, DIDs, keys, Bridge
 *    providers and interactions, spread over two years — then builds the indexes and the daily counters.
 * 2. Measures median and p95 latency of HistoryQueryService.list (the gateway's query path, minus HTTP) for the
 *    big organisation: page 1 and a keyset page 90% deep, per filter shape.
 * 3. Measures the projector's ingest rate (parse + validate + writeHistoryBatch + checkpoint, one transaction per
 *    500 events, like the runner; no Kafka) against B_copy, a raw COPY of the very rows it produced into the same
 *    tables (same indexes), in the same run: its entries (interleaved with the projector, round by round) plus its
 *    entity-state and counter rows; the ratio against the entries' COPY alone is printed too.
 */
import 'reflect-metadata';
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Client } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { v7 as uuidv7 } from 'uuid';
import {
  buildEvent,
  CredentialAccepted,
  CredentialCreated,
  CredentialOffered,
  CredentialPending,
  CredentialRevoked,
  EVENT_REGISTRY,
  parseEvent,
  ProofAccepted,
  ProofCreated,
  ProofRequested,
  ProofShared,
  type EventEnvelope,
} from '@cep/contracts';
import { HISTORY_ENTRY_INDEXES, HistoryQueryService, SEARCH_COLUMNS, SEGMENT_SEPARATOR, writeHistoryBatch, type HistoryListQuery } from '@cep/history';
import { signDevToken } from '@cep/auth';
import { connectDatabase, loadConfig, PlatformConfig } from '@cep/platform';
import { startApp } from '@cep/testing';
import { migrate } from '../../tools/db/migrate';
import type { BenchRow } from '../bench-types';
import { load } from '../lib/load';
import { median, percentile, round } from '../lib/stats';
import { seededRandom } from '../lib/random';

export type { BenchRow } from '../bench-types';

const SECTION = 'history';
const DAY = 86_400_000;
const T0 = Date.parse('2024-01-01T00:00:00Z');
const SPAN_DAYS = 730;

// ----------------------------------------------------------------------------------------------------------------
// Data generation
// ----------------------------------------------------------------------------------------------------------------

interface OrgPools {
  org: string;
  schemas: { id: string; name: string }[];
  proofSchemas: { id: string; name: string }[];
  issuers: { id: string; did: string; name: string }[];
  verifiers: { id: string; did: string; name: string }[];
  providers: { id: string; name: string }[];
  credentials: { id: string; schemaId: string }[];
}

/** Handles the benchmark queries use (all in the big organisation). */
interface Probes {
  org: string;
  hotSchemaId: string;
  proofSchemaId: string;
  issuerDidId: string;
  verifierDidId: string;
  credentialId: string;
  proofId: string;
  providerId: string;
  claimToken: string;
  claimsRemovedProofId: string;
  claimsRemovedAt: number;
}

const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
const seg = (tag: string, v: string) => `${SEGMENT_SEPARATOR}${tag}:${v}`;
const ENTRY_COLUMNS = `id, organisation_id, created_date, action, entity_id, entity_type, name, source, target, event_type, metadata, related_ids, ${SEARCH_COLUMNS.join(', ')}`;

/** The tagged segments (`\x1f<tag>:<value>`...) as COPY fields of the per-type search columns (`\N` when none). */
function searchFields(search: string): string[] {
  const byCol = new Map<string, string[]>();
  for (const part of search.split(SEGMENT_SEPARATOR)) {
    if (!part) continue;
    const i = part.indexOf(':');
    const col = `s_${part.slice(0, i)}`;
    byCol.set(col, [...(byCol.get(col) ?? []), part.slice(i + 1)]);
  }
  return SEARCH_COLUMNS.map((c) => (byCol.has(c) ? esc(byCol.get(c)!.join(SEGMENT_SEPARATOR)) : '\\N'));
}

class RowWriter {
  lines: string[] = [];
  count = 0;
  constructor(private readonly flush: (chunk: string) => Promise<void>) {}
  async add(r: {
    org: string;
    t: number;
    action: string;
    entityId: string;
    entityType: string;
    name: string;
    source?: string;
    target?: string | null;
    eventType: string;
    related: string[];
    search: string;
  }): Promise<void> {
    const meta = JSON.stringify({ eventType: r.eventType, dataVersion: 1, producer: 'urn:cep:bench', correlationId: randomUUID(), data: { name: r.name } });
    this.lines.push(
      [
        uuidv7({ msecs: r.t }),
        r.org,
        new Date(r.t).toISOString(),
        r.action,
        r.entityId,
        r.entityType,
        esc(r.name),
        r.source ?? 'CORE',
        r.target ? esc(r.target) : '\\N',
        r.eventType,
        esc(meta),
        `{${r.related.join(',')}}`,
        ...searchFields(r.search),
      ].join('\t'),
    );
    this.count++;
    if (this.lines.length >= 5000) await this.drain();
  }
  async drain(): Promise<void> {
    if (!this.lines.length) return;
    const chunk = this.lines.join('\n') + '\n';
    this.lines = [];
    await this.flush(chunk);
  }
}

const CLAIM_NAMES = ['birthdate', 'family_name', 'given_name', 'document_number', 'nationality', 'address'];

/** Writes ~`target` entries for one organisation. */
async function generateOrg(w: RowWriter, pools: OrgPools, target: number, rand: () => number, probes?: Partial<Probes>): Promise<void> {
  const { org } = pools;
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const start = w.count;
  const time = () => T0 + Math.floor(rand() * SPAN_DAYS * DAY);
  // identity first: DIDs, schemas, proof schemas, providers, keys
  for (const d of [...pools.issuers, ...pools.verifiers]) {
    await w.add({ org, t: time(), action: 'CREATED', entityId: d.id, entityType: 'DID', name: d.name, eventType: 'did.created', related: [d.id],
      search: seg('idid', d.did) + seg('iname', d.name) + seg('vdid', d.did) + seg('vname', d.name) });
    const keyId = randomUUID();
    await w.add({ org, t: time(), action: 'CREATED', entityId: keyId, entityType: 'KEY', name: 'key', eventType: 'key.created', related: [keyId], search: '' });
  }
  for (const s of pools.schemas) {
    await w.add({ org, t: time(), action: 'CREATED', entityId: s.id, entityType: 'CREDENTIAL_SCHEMA', name: s.name, eventType: 'credential-schema.created', related: [s.id],
      search: seg('csn', s.name) + CLAIM_NAMES.map((c) => seg('cn', c)).join('') });
  }
  for (const s of pools.proofSchemas) {
    await w.add({ org, t: time(), action: 'CREATED', entityId: s.id, entityType: 'PROOF_SCHEMA', name: s.name, eventType: 'proof-schema.created', related: [s.id], search: seg('psn', s.name) });
  }
  for (const p of pools.providers) {
    await w.add({ org, t: time(), action: 'CREATED', entityId: p.id, entityType: 'PROVIDER', name: p.name, source: 'BRIDGE', eventType: 'provider.created', related: [p.id], search: '' });
  }
  while (w.count - start < target) {
    const r = rand();
    const t = time();
    if (r < 0.62) {
      // credential: CREATED, PENDING, OFFERED, ACCEPTED (+ REVOKED / SUSPENDED); schema 0 is hot (20%)
      const schema = rand() < 0.2 ? pools.schemas[0] : pick(pools.schemas);
      const issuer = pick(pools.issuers);
      const holder = randomUUID();
      const id = randomUUID();
      const token = `V${Math.floor(rand() * 0xffffffff).toString(16).padStart(8, '0')}`;
      pools.credentials.push({ id, schemaId: schema.id });
      if (pools.credentials.length > 5000) pools.credentials.splice(0, 1000);
      if (probes && !probes.claimToken && w.count - start > target / 2) {
        probes.claimToken = token;
        probes.credentialId = id;
      }
      const search =
        seg('csn', schema.name) + seg('idid', issuer.did) + seg('iname', issuer.name) +
        CLAIM_NAMES.slice(0, 4).map((c) => seg('cn', c)).join('') + seg('cv', token) + seg('cv', `19${Math.floor(50 + rand() * 50)}-0${1 + Math.floor(rand() * 9)}-1${Math.floor(rand() * 9)}`);
      const related = [id, schema.id, issuer.id, holder].sort();
      const actions = ['CREATED', 'PENDING', 'OFFERED', 'ACCEPTED'];
      const x = rand();
      if (x < 0.1) actions.push('REVOKED');
      else if (x < 0.15) actions.push('SUSPENDED');
      for (let k = 0; k < actions.length; k++) {
        await w.add({ org, t: t + k * 60_000, action: actions[k], entityId: id, entityType: 'CREDENTIAL', name: schema.name, target: `did:key:z6Mk${holder.slice(0, 12)}`,
          eventType: `credential.${actions[k].toLowerCase()}`, related, search });
      }
    } else if (r < 0.9 && pools.credentials.length) {
      // proof: CREATED, REQUESTED, SHARED, ACCEPTED (+ CLAIMS_REMOVED: claims purged from every entry)
      const ps = pick(pools.proofSchemas);
      const verifier = pick(pools.verifiers);
      const used = pick(pools.credentials);
      const id = randomUUID();
      const purged = rand() < 0.2;
      const related = [id, ps.id, verifier.id, used.id, used.schemaId].sort();
      const search = seg('psn', ps.name) + seg('vdid', verifier.did) + seg('vname', verifier.name) +
        (purged ? '' : seg('cn', 'family_name') + seg('cv', `P${Math.floor(rand() * 1e9)}`));
      const actions = ['CREATED', 'REQUESTED', 'SHARED', 'ACCEPTED', ...(purged ? ['CLAIMS_REMOVED'] : [])];
      if (probes && purged && !probes.claimsRemovedProofId && w.count - start > target / 3) {
        probes.claimsRemovedProofId = id;
        probes.claimsRemovedAt = t + 4 * 60_000;
        probes.proofId = id;
        probes.verifierDidId = verifier.id;
      }
      for (let k = 0; k < actions.length; k++) {
        await w.add({ org, t: t + k * 60_000, action: actions[k], entityId: id, entityType: 'PROOF', name: ps.name, target: null,
          eventType: `proof.${actions[k].toLowerCase().replace('_', '-')}`, related, search });
      }
    } else {
      const p = pick(pools.providers);
      const ok = rand() < 0.9;
      const id = randomUUID();
      await w.add({ org, t, action: ok ? 'SUCCEEDED' : 'ERRORED', entityId: id, entityType: 'INTERACTION', name: p.name, source: 'BRIDGE', target: 'subject',
        eventType: ok ? 'interaction.succeeded' : 'interaction.errored', related: [id, p.id].sort(), search: '' });
    }
  }
}

function poolsFor(org: string, i: number): OrgPools {
  const n = (k: number, f: (j: number) => { id: string; name: string; did?: string }) => Array.from({ length: k }, (_, j) => f(j));
  return {
    org,
    schemas: n(40, (j) => ({ id: randomUUID(), name: `Schema ${j} of org ${i}` })),
    proofSchemas: n(15, (j) => ({ id: randomUUID(), name: `Proof schema ${j} of org ${i}` })),
    issuers: n(8, (j) => ({ id: randomUUID(), did: `did:key:z6MkIssuer${i}x${j}${randomUUID().slice(0, 8)}`, name: `Issuer ${j} of org ${i}` })) as OrgPools['issuers'],
    verifiers: n(4, (j) => ({ id: randomUUID(), did: `did:web:verifier${j}.org${i}.example`, name: `Verifier ${j} of org ${i}` })) as OrgPools['verifiers'],
    providers: n(3, (j) => ({ id: randomUUID(), name: `Provider ${j}` })),
    credentials: [],
  };
}

export async function bulkLoad(url: string, entries: number, log: (m: string) => void): Promise<Probes> {
  const c = new Client({ connectionString: url });
  await c.connect();
  const indexNames = HISTORY_ENTRY_INDEXES.map((sql) => /CREATE INDEX (\S+)/.exec(sql)![1]);
  for (const name of indexNames) await c.query(`DROP INDEX IF EXISTS history.${name}`);
  const stream = c.query(
    copyFrom(
      `COPY history.entries (${ENTRY_COLUMNS}) FROM STDIN`,
    ),
  );
  const done = new Promise<void>((resolve, reject) => {
    stream.on('finish', () => resolve());
    stream.on('error', reject);
  });
  const w = new RowWriter(
    (chunk) =>
      new Promise<void>((resolve) => {
        if (stream.write(chunk)) resolve();
        else stream.once('drain', () => resolve());
      }),
  );
  const rand = seededRandom(42);
  const bigOrg = randomUUID();
  const bigPools = poolsFor(bigOrg, 0);
  const probes: Partial<Probes> = {
    org: bigOrg,
    hotSchemaId: bigPools.schemas[0].id,
    proofSchemaId: bigPools.proofSchemas[0].id,
    issuerDidId: bigPools.issuers[0].id,
    providerId: bigPools.providers[0].id,
  };
  const t = Date.now();
  // the big organisation holds half; 19 others share the rest unevenly
  await generateOrg(w, bigPools, Math.floor(entries / 2), rand, probes);
  const weights = Array.from({ length: 19 }, (_, i) => 1 / (i + 1));
  const sum = weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < 19; i++) {
    await generateOrg(w, poolsFor(randomUUID(), i + 1), Math.max(50, Math.floor(((entries / 2) * weights[i]) / sum)), rand);
  }
  await w.drain();
  stream.end();
  await done;
  log(`COPY of ${w.count.toLocaleString('en-US')} entries: ${((Date.now() - t) / 1000).toFixed(1)} s`);
  const ti = Date.now();
  await c.query(`SET maintenance_work_mem = '512MB'`);
  for (const sql of HISTORY_ENTRY_INDEXES) await c.query(sql);
  await c.query(`INSERT INTO history.counts (organisation_id, day, entity_type, action, source, n)
                 SELECT organisation_id, (created_date AT TIME ZONE 'UTC')::date, entity_type, action, source, count(*)
                   FROM history.entries GROUP BY 1, 2, 3, 4, 5`);
  await c.query(`INSERT INTO history.related_counts (organisation_id, related_id, day, entity_type, action, source, n)
                 SELECT e.organisation_id, r, (e.created_date AT TIME ZONE 'UTC')::date, e.entity_type, e.action, e.source, count(*)
                   FROM history.entries e, unnest(e.related_ids) AS r WHERE r <> e.entity_id GROUP BY 1, 2, 3, 4, 5, 6`);
  await c.query(`VACUUM ANALYZE history.entries`);
  await c.query(`ANALYZE history.counts`);
  await c.query(`ANALYZE history.related_counts`);
  log(`indexes, counters, vacuum analyze: ${((Date.now() - ti) / 1000).toFixed(1)} s`);
  await c.end();
  return probes as Probes;
}

// ----------------------------------------------------------------------------------------------------------------
// Query latency
// ----------------------------------------------------------------------------------------------------------------

interface Shape {
  name: string;
  query: Omit<HistoryListQuery, 'organisationId' | 'pageSize'>;
  /** selective text search: target 50 ms p95 instead of 100 */
  textTarget?: boolean;
}

function shapes(p: Probes): Shape[] {
  const day = 30 * DAY;
  const end = T0 + SPAN_DAYS * DAY;
  return [
    { name: 'no filter', query: {} },
    { name: 'time window (30 days)', query: { createdDateFrom: new Date(end - 90 * DAY), createdDateTo: new Date(end - 90 * DAY + day) } },
    { name: 'action (REVOKED)', query: { actions: ['REVOKED'] } },
    { name: 'entityTypes (PROOF)', query: { entityTypes: ['PROOF'] } },
    { name: 'entityId (credential)', query: { entityIds: [p.credentialId] } },
    { name: 'credentialSchemaId (hot schema, related)', query: { relatedIds: [p.hotSchemaId] } },
    { name: 'proofSchemaId (related)', query: { relatedIds: [p.proofSchemaId] } },
    { name: 'didId (issuer DID, related)', query: { relatedIds: [p.issuerDidId] } },
    { name: 'credentialId (related)', query: { relatedIds: [p.credentialId] } },
    { name: 'proofId', query: { relatedIds: [p.proofId] } },
    { name: 'source BRIDGE', query: { sources: ['BRIDGE'] } },
    { name: 'providerId', query: { relatedIds: [p.providerId] } },
    { name: 'searchText claimValue (selective)', query: { searchText: p.claimToken, searchType: 'claimValue' }, textTarget: true },
    { name: 'searchText any type (selective)', query: { searchText: p.claimToken }, textTarget: true },
    { name: 'searchText credentialSchemaName (common trigrams)', query: { searchText: 'Schema 7 of org 0', searchType: 'credentialSchemaName' } },
    { name: 'searchText any type (common trigrams)', query: { searchText: 'Schema 7 of org 0' } },
    {
      name: 'combined entityId+action+window+didId',
      query: {
        entityIds: [p.claimsRemovedProofId],
        actions: ['CLAIMS_REMOVED'],
        relatedIds: [p.verifierDidId],
        createdDateFrom: new Date(p.claimsRemovedAt - DAY / 2),
        createdDateTo: new Date(p.claimsRemovedAt + DAY / 2),
      },
    },
    { name: 'sort=action ASC', query: { sort: 'action', sortDirection: 'ASC' } },
  ];
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/** A data source on the benchmark database without a statement timeout (bulk queries may run long). */
function benchDataSource(url: string, applicationName: string) {
  return connectDatabase({ ...loadConfig(PlatformConfig, { ...process.env, DATABASE_URL: url }), DATABASE_STATEMENT_TIMEOUT_MS: 0 }, { applicationName });
}

/** A keyset cursor continuing `q` (createdDate order) after the entry just before the 90% position of `total`. */
async function deepCursor(ds: Awaited<ReturnType<typeof benchDataSource>>, svc: HistoryQueryService, q: HistoryListQuery, total: number): Promise<string | undefined> {
  const { text, params } = svc.listSql(q, 0);
  // Run as the owner outside a tenant session: the base table (the tenant view answers nothing with no organisation set).
  const sql = text.replace('FROM history.tenant_entries', 'FROM history.entries').replace(/LIMIT \$\d+$/, `LIMIT 1 OFFSET ${Math.floor(total * 0.9) - 1}`);
  const [row] = await ds.query(sql, params.slice(0, -1));
  return row ? svc.cursorFor(q, { createdDate: new Date(row.created_date).toISOString(), id: row.id }) : undefined;
}

async function measureQueries(url: string, p: Probes, quick: boolean, log: (m: string) => void, iterationsOverride?: number): Promise<BenchRow[]> {
  const ds = await benchDataSource(url, 'bench-history');
  const svc = new HistoryQueryService(ds);
  const rows: BenchRow[] = [];
  const iterations = iterationsOverride ?? (quick ? 7 : 30);
  const pageSize = 50;
  try {
    for (const s of shapes(p)) {
      const q: HistoryListQuery = { organisationId: p.org, pageSize, ...s.query };
      const first = await svc.list(q);
      const total = first.totalItems;
      let deep: HistoryListQuery | null = null;
      if (total > pageSize * 2 && !s.query.sort) {
        const cursor = await deepCursor(ds, svc, q, total);
        if (cursor) deep = { ...q, cursor };
      }
      for (const [label, query] of [['page 1', q], ['90% deep (keyset)', deep]] as const) {
        if (!query) continue;
        for (let i = 0; i < 3; i++) await svc.list(query); // warm-up
        const samples: number[] = [];
        for (let i = 0; i < iterations; i++) samples.push(await time(() => svc.list(query)));
        const limit = s.textTarget ? 50 : 100;
        const p95 = percentile(samples, 95);
        rows.push({ section: SECTION, name: `${s.name} — ${label} median`, value: round(median(samples)), unit: 'ms', note: `totalItems ${total}` });
        rows.push({ section: SECTION, name: `${s.name} — ${label} p95`, value: round(p95), unit: 'ms', target: `≤ ${limit} ms`, met: p95 <= limit });
      }
      if (deep) {
        const p1 = rows.find((r) => r.name === `${s.name} — page 1 median`)!.value;
        const d = rows.find((r) => r.name === `${s.name} — 90% deep (keyset) median`)!.value;
        rows.push({ section: SECTION, name: `${s.name} — deep/page-1 median ratio`, value: round(d / p1), unit: '×', baseline: p1, ratio: round(d / p1), target: '≤ 2×', met: d <= 2 * p1 });
      }
      log(`${s.name}: totalItems ${total}, page 1 p95 ${rows.filter((r) => r.name.startsWith(s.name) && r.name.endsWith('p95')).map((r) => r.value).join(' / ')} ms`);
    }
  } finally {
    await ds.destroy();
  }
  return rows;
}

// ----------------------------------------------------------------------------------------------------------------
// Through the gateway: HTTP throughput and latency under load
// ----------------------------------------------------------------------------------------------------------------

/** Port of the gateway this section starts (apart from the main benchmark's and the test suites' ports). */
const GATEWAY_PORT = 39412;

/**
 * The gateway process on the loaded database, loaded by autocannon (10 connections, closed loop) as the big
 * organisation, per main query of `GET /api/history/v1`: throughput and p50 / p99 (the gateway, PostgreSQL and
 * autocannon share the machine's cores). A keyset page 90% deep is requested by its cursor.
 */
async function measureGateway(url: string, p: Probes, quick: boolean, log: (m: string) => void): Promise<BenchRow[]> {
  const secret = randomUUID() + randomUUID();
  const app = await startApp('gateway', {
    port: GATEWAY_PORT,
    env: { DATABASE_URL: url, LOG_LEVEL: 'warn', AUTH_JWT_SECRET: secret, THROTTLE_LIMIT: '0' },
  });
  const rows: BenchRow[] = [];
  try {
    const auth = { authorization: `Bearer ${await signDevToken({ secret, org: p.org, scope: 'history:read', expiresInSec: 3600 })}` };
    const ds = await benchDataSource(url, 'bench-history-gw');
    let deep: string | undefined;
    try {
      const svc = new HistoryQueryService(ds);
      const q: HistoryListQuery = { organisationId: p.org, pageSize: 20 };
      deep = await deepCursor(ds, svc, q, (await svc.list(q)).totalItems);
    } finally {
      await ds.destroy();
    }
    const queries: [string, string][] = [
      ['newest page (20)', 'pageSize=20'],
      ['keyset page 90% deep (cursor)', `pageSize=20&cursor=${encodeURIComponent(deep ?? '')}`],
      ['by entityId', `entityId=${p.credentialId}`],
      ['by action REVOKED', 'action=REVOKED&pageSize=20'],
      ['credentialSchemaId (hot schema + related)', `credentialSchemaId=${p.hotSchemaId}&pageSize=20`],
      ['didId (issuer DID + related)', `didId=${p.issuerDidId}&pageSize=20`],
      ['claim-value search (selective)', `searchText=${encodeURIComponent(p.claimToken)}&searchType=claimValue&pageSize=20`],
    ];
    const seconds = quick ? 2 : 10;
    for (const [name, qs] of queries) {
      const target = `http://127.0.0.1:${GATEWAY_PORT}/api/history/v1?organisationId=${p.org}&${qs}`;
      const probe = await fetch(target, { headers: auth });
      if (probe.status !== 200) throw new Error(`gateway ${name}: HTTP ${probe.status} ${await probe.text()}`);
      const r = await load({ url: target, headers: auth, connections: 10, seconds });
      log(`gateway ${name}: ${Math.round(r.rps)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms`);
      rows.push({
        section: SECTION,
        name: `gateway ${name}`,
        value: round(r.rps, 0),
        unit: 'req/s',
        note: `p50 ${r.p50} ms, p99 ${r.p99} ms, ${r.total} requests in ${seconds} s, 10 connections${r.non2xx || r.errors ? `, ${r.non2xx} non-2xx, ${r.errors} errors` : ''}`,
      });
    }
  } finally {
    await app.kill('SIGTERM');
  }
  return rows;
}

// ----------------------------------------------------------------------------------------------------------------
// Ingest: projector vs raw COPY of the same rows
// ----------------------------------------------------------------------------------------------------------------

export function ingestEvents(n: number): string[] {
  const org = randomUUID();
  const out: EventEnvelope[] = [];
  const issuerDid = { id: randomUUID(), did: 'did:key:z6MkBenchIssuer', name: 'Bench issuer' };
  const verifierDid = { id: randomUUID(), did: 'did:web:bench-verifier.example', name: 'Bench verifier' };
  const schemaId = randomUUID();
  const meta = (t: number) => ({ organisationId: org, correlationId: randomUUID(), source: 'urn:cep:bench', time: new Date(t) });
  let t = Date.parse('2026-01-01T00:00:00Z');
  while (out.length < n) {
    const credentialId = randomUUID();
    const created = {
      credentialId, name: 'Bench licence', schemaId, schemaName: 'Bench licence', profile: 'sd-jwt-vc' as const, credentialType: 'Bench',
      issuerDid, holderDid: { id: randomUUID(), did: 'did:key:z6MkHolder', name: 'Holder' }, activityId: randomUUID(), actorProfileId: 'bench',
      claims: [{ name: 'birthdate', value: '1990-01-01' }, { name: 'family_name', value: `N${out.length}` }],
      recipient: { type: 'email' as const, identifier: 'holder@example.com' }, source: 'send' as const, offerExpiresAt: '2027-01-01T00:00:00.000Z',
    };
    const { claims: _c, offerExpiresAt: _o, ...state } = created;
    out.push(buildEvent(CredentialCreated, created, meta(t++)), buildEvent(CredentialPending, state, meta(t++)), buildEvent(CredentialOffered, state, meta(t++)), buildEvent(CredentialAccepted, state, meta(t++)));
    if (out.length % 40 === 0) out.push(buildEvent(CredentialRevoked, state, meta(t++)));
    const proofId = randomUUID();
    const base = { proofId, name: 'Bench proof', proofSchemaId: schemaId, proofSchemaName: 'Bench proof', verifierDid, actorProfileId: 'bench' };
    const presented = { ...base, credentials: [{ credentialId, schemaId }], claims: [{ name: 'family_name', value: `N${out.length}` }] };
    out.push(buildEvent(ProofCreated, base, meta(t++)), buildEvent(ProofRequested, base, meta(t++)), buildEvent(ProofShared, presented, meta(t++)), buildEvent(ProofAccepted, presented, meta(t++)));
  }
  return out.slice(0, n).map((e) => JSON.stringify(e));
}

/** COPY FROM STDIN of `data` on `c`; returns the seconds it took. */
async function timedCopyIn(c: Client, sql: string, data: string | Buffer): Promise<number> {
  const t = process.hrtime.bigint();
  const stream = c.query(copyFrom(sql));
  await new Promise<void>((resolve, reject) => {
    stream.on('finish', () => resolve());
    stream.on('error', reject);
    stream.end(data);
  });
  return Number(process.hrtime.bigint() - t) / 1e9;
}

async function measureIngest(url: string, quick: boolean, log: (m: string) => void): Promise<BenchRow[]> {
  const n = quick ? 5000 : 50_000;
  const batch = 500;
  // Interleaved rounds (projector chunk, then the raw COPY of exactly the rows that chunk produced) so that the
  // load of a shared machine hits both sides alike; rates from the summed times.
  const rounds = quick ? 1 : 5;
  const messages = ingestEvents(n).map((m) => Buffer.from(m));
  const ds = await benchDataSource(url, 'bench-history-ingest');
  const c = new Client({ connectionString: url });
  await c.connect();
  let projectorSecs = 0;
  let copySecs = 0;
  let copied = 0;
  let otherSecs = 0;
  let otherRows = 0;
  const org = (JSON.parse(messages[0].toString()) as EventEnvelope).organisationid;
  const copyOrg = randomUUID();
  const perRound = Math.ceil(messages.length / rounds / batch) * batch;
  try {
    for (let from = 0; from < messages.length; from += perRound) {
      const chunk = messages.slice(from, from + perRound);
      const ids: string[] = [];
      const t = process.hrtime.bigint();
      for (let i = 0; i < chunk.length; i += batch) {
        const events: EventEnvelope[] = [];
        for (const m of chunk.slice(i, i + batch)) {
          const r = parseEvent(m, EVENT_REGISTRY);
          if (r.ok) events.push(r.event);
        }
        const tx = ds.createQueryRunner();
        await tx.connect();
        await tx.startTransaction();
        await tx.query(`SELECT next_offset FROM projection.checkpoints WHERE projection = 'bench' FOR UPDATE`);
        await writeHistoryBatch(tx, events);
        await tx.query(
          `INSERT INTO projection.checkpoints (projection, topic, partition, next_offset) VALUES ('bench', 'bench', 0, $1)
           ON CONFLICT (projection, topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset`,
          [from + i + batch],
        );
        await tx.commitTransaction();
        await tx.release();
        for (const e of events) ids.push(e.id);
      }
      projectorSecs += Number(process.hrtime.bigint() - t) / 1e9;
      // the same rows (new ids, another organisation) through one COPY into the same table and indexes
      const { rows } = await c.query(
        `SELECT id, created_date, action, entity_id, entity_type, name, source, target, event_type, metadata::text AS metadata, related_ids::text AS related_ids,
                ${SEARCH_COLUMNS.join(', ')}
           FROM history.entries WHERE organisation_id = $1 AND id = ANY($2::uuid[])`,
        [org, ids],
      );
      const text =
        rows
          .map((r) =>
            [
              randomUUID(), copyOrg, new Date(r.created_date).toISOString(), r.action, r.entity_id, r.entity_type, esc(r.name ?? ''), r.source,
              r.target === null ? '\\N' : esc(r.target), r.event_type, esc(r.metadata), r.related_ids,
              ...SEARCH_COLUMNS.map((col) => (r[col] === null ? '\\N' : esc(r[col]))),
            ].join('\t'),
          )
          .join('\n') + '\n';
      copySecs += await timedCopyIn(c, `COPY history.entries (${ENTRY_COLUMNS}) FROM STDIN`, text);
      copied += rows.length;
    }
    // The projector's other rows (entity state, daily and relation counters) of the ingest organisation, as one
    // COPY per table into the same tables (under the copy organisation, so no key collides): together with the
    // entries this is every row the projector produced, the B_copy definition of the ingest section (issue 10).
    for (const table of ['entities', 'counts', 'related_counts']) {
      const cols: { column_name: string }[] = (
        await c.query(`SELECT column_name FROM information_schema.columns WHERE table_schema = 'history' AND table_name = $1 ORDER BY ordinal_position`, [table])
      ).rows;
      const select = cols.map(({ column_name: col }) => (col === 'organisation_id' ? `'${copyOrg}'::text AS organisation_id` : col)).join(', ');
      const chunks: Buffer[] = [];
      const out = c.query(copyTo(`COPY (SELECT ${select} FROM history.${table} WHERE organisation_id = '${org}') TO STDOUT`));
      await new Promise<void>((resolve, reject) => {
        out.on('data', (b: Buffer) => chunks.push(b));
        out.on('end', () => resolve());
        out.on('error', reject);
      });
      const data = Buffer.concat(chunks);
      otherRows += data.toString('utf8').split('\n').length - 1;
      otherSecs += await timedCopyIn(c, `COPY history.${table} (${cols.map((x) => x.column_name).join(', ')}) FROM STDIN`, data);
    }
  } finally {
    await c.end();
    await ds.destroy();
  }
  const projectorRate = n / projectorSecs;
  // B_copy as events/s: the projector's events ÷ the seconds a raw COPY of the rows they produced takes
  const copyRate = n / (copySecs + otherSecs);
  const entriesCopyRate = n / copySecs;
  log(
    `ingest: projector ${Math.round(projectorRate)} events/s; raw COPY of its rows ${Math.round(copyRate)} events/s ` +
      `(${copied} entries in ${copySecs.toFixed(2)} s + ${otherRows} entity/counter rows in ${otherSecs.toFixed(2)} s, ${rounds} interleaved rounds)`,
  );
  const ratio = projectorRate / copyRate;
  const entriesRatio = projectorRate / entriesCopyRate;
  return [
    {
      section: SECTION,
      name: 'B_copy: raw COPY of every row the projector produced (same tables, same indexes)',
      value: Math.round(copyRate),
      unit: 'events/s',
      note: `${copied} entries + ${otherRows} entity / counter rows; entries COPY interleaved with the projector in ${rounds} rounds`,
    },
    {
      section: SECTION,
      name: 'projector ingest (parse+validate+write+checkpoint, 500/tx) vs B_copy',
      value: Math.round(projectorRate),
      unit: 'events/s',
      baseline: Math.round(copyRate),
      ratio: round(ratio),
      target: '≥ 0.5× B_copy',
      met: ratio >= 0.5,
    },
    {
      section: SECTION,
      name: 'projector ingest vs a COPY of the entries alone (stricter)',
      value: Math.round(projectorRate),
      unit: 'events/s',
      baseline: Math.round(entriesCopyRate),
      ratio: round(entriesRatio),
      target: '≥ 0.5× (same target, entries only)',
      met: entriesRatio >= 0.5,
    },
  ];
}

// ----------------------------------------------------------------------------------------------------------------

/** Where a kept database's probe ids are stored, so that `--reuse <database>` can measure it again without reloading. */
const probesFile = (database: string) => path.join(__dirname, '..', '..', '.cache', `${database}.probes.json`);

export async function runHistoryBench(opts: {
  entries: number;
  quick: boolean;
  databaseUrl?: string;
  keep?: boolean;
  iterations?: number;
  /** A database kept by an earlier `--keep` run: skip the load and measure it again (implies keep). */
  reuse?: string;
  /** What to measure after the load (default queries and ingest; `gateway` is opt-in). */
  parts?: readonly ('queries' | 'ingest' | 'gateway')[];
}): Promise<BenchRow[]> {
  const t0 = Date.now();
  const log = (m: string) => console.log(`[history bench ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)}s] ${m}`);
  const base = new URL(opts.databaseUrl ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  base.pathname = `/${opts.reuse ?? `cep_hbench_${Date.now().toString(36)}`}`;
  const database = base.pathname.slice(1);
  const url = base.toString();
  const keep = opts.keep || !!opts.reuse;
  const rows: BenchRow[] = [];
  try {
    let probes: Probes;
    if (opts.reuse) {
      probes = JSON.parse(fs.readFileSync(probesFile(database), 'utf8')) as Probes;
      log(`reusing database ${database} (${opts.entries.toLocaleString('en-US')} entries as loaded)`);
    } else {
      await migrate(url);
      log(`fresh database ${database}; loading ${opts.entries.toLocaleString('en-US')} entries`);
      const tl = Date.now();
      probes = await bulkLoad(url, opts.entries, log);
      rows.push({ section: SECTION, name: 'bulk load (COPY + indexes + counters)', value: round((Date.now() - tl) / 1000, 1), unit: 's', note: `${opts.entries} entries` });
      if (keep) {
        fs.mkdirSync(path.dirname(probesFile(database)), { recursive: true });
        fs.writeFileSync(probesFile(database), JSON.stringify(probes));
        log(`kept: re-measure with --reuse ${database}`);
      }
    }
    const parts = opts.parts ?? ['queries', 'ingest'];
    if (parts.includes('queries')) rows.push(...(await measureQueries(url, probes, opts.quick, log, opts.iterations)));
    if (parts.includes('ingest')) rows.push(...(await measureIngest(url, opts.quick, log)));
    if (parts.includes('gateway')) rows.push(...(await measureGateway(url, probes, opts.quick, log)));
  } finally {
    if (!keep) {
      const admin = new URL(url);
      admin.pathname = '/postgres';
      const c = new Client({ connectionString: admin.toString() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${base.pathname.slice(1)}" WITH (FORCE)`).catch(() => undefined);
      await c.end();
    }
  }
  return rows;
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const arg = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const quick = argv.includes('--quick');
  const entries = Number((arg('entries') ?? (quick ? '20000' : '1000000')).replace(/_/g, ''));
  runHistoryBench({ entries, quick, keep: argv.includes('--keep'), reuse: arg('reuse'), parts: arg('parts')?.split(',') as ('queries' | 'ingest' | 'gateway')[] | undefined, iterations: arg('iterations') ? Number(arg('iterations')) : undefined })
    .then((rows) => {
      const w = Math.max(...rows.map((r) => r.name.length));
      for (const r of rows) {
        const extra = [r.baseline !== undefined ? `baseline ${r.baseline}` : '', r.ratio !== undefined ? `ratio ${r.ratio}` : '', r.target ? `target ${r.target}` : '', r.met === undefined ? '' : r.met ? 'met' : 'NOT met', r.note ?? '']
          .filter(Boolean)
          .join('  ');
        console.log(`${r.name.padEnd(w)}  ${String(r.value).padStart(10)} ${r.unit.padEnd(9)} ${extra}`);
      }
      process.exit(0);
    })
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
