import { randomUUID } from 'crypto';
import type { DataSource } from 'typeorm';
import { testDataSource } from '@cep/testing';
import { TenantDatabase } from '@cep/platform';
import { HistoryQueryService, type HistoryFilter } from './history-query.service';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

function nodes(n: PlanNode): PlanNode[] {
  return [n, ...(n.Plans ?? []).flatMap(nodes)];
}

/**
 * Query plans of every filter shape on a table large enough for the planner to prefer indexes (120,000 entries,
 * one big organisation): no sequential scan of history.entries, for the page query and for the exact count.
 */
describe('history query plans (EXPLAIN)', () => {
  let ds: DataSource;
  let svc: HistoryQueryService;
  const org = `plans-${randomUUID()}`;
  const schemaId = randomUUID();
  const didId = randomUUID();
  let entityId: string;

  beforeAll(async () => {
    ds = await testDataSource();
    svc = new HistoryQueryService(ds);
    await ds.query(
      `INSERT INTO history.entries (id, organisation_id, created_date, action, entity_id, entity_type, name, source, target, event_type, metadata, related_ids, s_cn, s_cv, s_csn)
       SELECT gen_random_uuid(),
              CASE WHEN g % 2 = 0 THEN $1 ELSE 'plans-other-' || (g % 19) END,
              timestamptz '2024-01-01' + g * interval '7 minutes',
              (ARRAY['CREATED','PENDING','OFFERED','ACCEPTED','SHARED','REQUESTED','REVOKED'])[1 + g % 7],
              md5('entity' || (g / 4))::uuid,
              (ARRAY['CREDENTIAL','PROOF','CREDENTIAL','PROOF','DID'])[1 + g % 5],
              'name ' || g,
              CASE WHEN g % 50 = 0 THEN 'BRIDGE' ELSE 'CORE' END,
              NULL, 'bench', '{}'::jsonb,
              ARRAY[md5('entity' || (g / 4))::uuid, CASE WHEN g % 400 = 0 THEN $2::uuid ELSE md5('schema' || (g % 300))::uuid END,
                    CASE WHEN g % 500 = 0 THEN $3::uuid ELSE md5('did' || (g % 40))::uuid END],
              'claim_' || (g % 30), md5(g::text), 'Schema ' || (g % 300)
         FROM generate_series(1, 120000) AS g`,
      [org, schemaId, didId],
    );
    await ds.query(`ANALYZE history.entries`);
    [{ entity_id: entityId }] = await ds.query(`SELECT entity_id::text FROM history.entries WHERE organisation_id = $1 LIMIT 1`, [org]);
  });
  afterAll(async () => {
    await ds.query(`DELETE FROM history.entries WHERE organisation_id LIKE 'plans-%'`);
    await ds.destroy();
  });

  const plan = async (text: string, params: unknown[]) => {
    const [{ 'QUERY PLAN': p }] = await ds.query(`EXPLAIN (FORMAT JSON) ${text}`, params);
    return nodes((p as { Plan: PlanNode }[])[0].Plan);
  };
  const shapes: [string, () => Partial<HistoryFilter>, boolean][] = [
    // [name, filter, also check the exact-count query]
    ['no filter (keyset order)', () => ({}), false],
    ['time window', () => ({ createdDateFrom: new Date('2024-03-01T00:00:00Z'), createdDateTo: new Date('2024-03-02T00:00:00Z') }), false],
    ['action', () => ({ actions: ['REVOKED'] }), false],
    ['actions (several)', () => ({ actions: ['REVOKED', 'SHARED'] }), false],
    ['entityTypes', () => ({ entityTypes: ['DID'] }), false],
    ['source BRIDGE', () => ({ sources: ['BRIDGE'] }), false],
    ['entityId', () => ({ entityIds: [entityId] }), true],
    ['credentialSchemaId (related)', () => ({ relatedIds: [schemaId] }), true],
    ['didId (related)', () => ({ relatedIds: [didId] }), true],
    ['searchText claimValue', () => ({ searchText: 'c4ca4238a0b923', searchType: 'claimValue' }), true],
    ['searchText any type', () => ({ searchText: 'c4ca4238a0b923' }), true],
    ['combined entityId + action + window + didId', () => ({ entityIds: [entityId], actions: ['CREATED'], relatedIds: [didId], createdDateFrom: new Date('2024-01-01'), createdDateTo: new Date('2025-01-01') }), true],
    ['combined schema + action + window', () => ({ relatedIds: [schemaId], actions: ['CREATED'], createdDateFrom: new Date('2024-01-01'), createdDateTo: new Date('2024-06-01') }), true],
    ['searchText credentialSchemaName', () => ({ searchText: 'Schema 17', searchType: 'credentialSchemaName' }), true],
  ];

  it.each(shapes)('%s: no Seq Scan on history.entries', async (_name, f, withCount) => {
    const filter = { organisationId: org, ...f() } as HistoryFilter;
    const { text, params } = svc.listSql(filter, 50);
    const page = await plan(text, params);
    const seq = (ns: PlanNode[]) => ns.filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === 'entries');
    expect(seq(page)).toEqual([]);
    expect(page.some((n) => (n['Index Name'] ?? '').startsWith('entries_'))).toBe(true);
    if (withCount) {
      const countSql = text.replace(/^SELECT .* FROM (history\.(?:tenant_)?entries)/s, 'SELECT count(*) FROM $1').replace(/ ORDER BY .*$/s, '');
      expect(seq(await plan(countSql, params.slice(0, -1)))).toEqual([]);
    }
  });
  // Under RLS (a tenant session as cep_gateway): the search and relation filters read the owner's
  // view history.tenant_entries, whose plain WHERE lets their trigram / GIN indexes apply (the table's policy would not).
  const INDEX_UNDER_RLS: Record<string, RegExp> = {
    'searchText claimValue': /^entries_s_cv_trgm_idx$/,
    'searchText any type': /_trgm_idx$/,
    'credentialSchemaId (related)': /^entries_related_idx$/,
    'didId (related)': /^entries_related_idx$/,
  };
  const rlsShapes = shapes.filter(([name]) => /searchText|related|didId/.test(name));
  it.each(rlsShapes)('under RLS, %s: the view, an index of history.entries, no Seq Scan', async (_name, f) => {
    const filter = { organisationId: org, ...f() } as HistoryFilter;
    const tenant = new TenantDatabase(ds);
    const { text, params } = new HistoryQueryService(tenant).listSql(filter, 50);
    expect(text).toContain('FROM history.tenant_entries');
    const ns = await tenant.run(org, async (q) => {
      const [{ 'QUERY PLAN': p }] = await q.query(`EXPLAIN (FORMAT JSON) ${text}`, params);
      return nodes((p as { Plan: PlanNode }[])[0].Plan);
    });
    expect(ns.filter((n) => n['Node Type'] === 'Seq Scan')).toEqual([]);
    const used = ns.map((n) => n['Index Name'] ?? '').filter(Boolean);
    expect(used.some((i) => i.startsWith('entries_'))).toBe(true);
    // The selective shapes must reach the index of their non-LEAKPROOF filter (the table's policy would forbid it);
    // for the others (an unselective term, an entity id) the planner may rightly prefer another entries_ index.
    const own = INDEX_UNDER_RLS[_name];
    if (own) expect(used).toContainEqual(expect.stringMatching(own));
    // Same rows as the owner's query on the table (the view adds nothing and drops nothing of the caller's).
    const viaView = await tenant.run(org, (q) => q.query(text, params));
    const direct = await ds.query(text.replace('history.tenant_entries', 'history.entries'), params);
    expect(viaView).toEqual(direct);
  });
});
