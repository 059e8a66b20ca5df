import { randomUUID } from 'crypto';
import type { DataSource } from 'typeorm';
import type { EventEnvelope } from '@cep/contracts';
import { newOrgId, testDataSource } from '@cep/testing';
import { writeHistoryBatch } from './history.projection';
import { HistoryQueryService, type HistoryListQuery } from './history-query.service';
import { historyScenario } from './testing/history-scenario';

/** The projection writer and the query service against the real PostgreSQL (no Kafka: see history-kafka.int-spec.ts). */
describe('history read model (PostgreSQL)', () => {
  let ds: DataSource;
  let svc: HistoryQueryService;

  const apply = async (events: EventEnvelope[]) => {
    const tx = ds.createQueryRunner();
    await tx.connect();
    await tx.startTransaction();
    try {
      await writeHistoryBatch(tx, events);
      await tx.commitTransaction();
    } catch (e) {
      await tx.rollbackTransaction();
      throw e;
    } finally {
      await tx.release();
    }
  };
  const list = (q: Partial<HistoryListQuery> & { organisationId: string }) => svc.list({ pageSize: 1000, ...q });

  beforeAll(async () => {
    ds = await testDataSource();
    svc = new HistoryQueryService(ds);
  });
  afterAll(async () => ds.destroy());

  describe('seed 003 examples', () => {
    const org = newOrgId();
    const other = newOrgId();
    const sc = historyScenario(org);
    const sc2 = historyScenario(other);

    beforeAll(async () => {
      // several batches, the second org interleaved, one event replayed
      await apply(sc.events.slice(0, 10));
      await apply([...sc2.events, sc.events[3]]);
      await apply(sc.events.slice(10));
    });

    it('schema filter: the schema CREATED plus its credential CREATED, PENDING, SHARED, OFFERED, ACCEPTED, newest first', async () => {
      const page = await list({ organisationId: org, relatedIds: [sc.ids.s1] });
      expect(page.values.map((v) => [v.entityType, v.action, v.entityId])).toEqual([
        ['CREDENTIAL', 'ACCEPTED', sc.ids.c1],
        ['CREDENTIAL', 'OFFERED', sc.ids.c1],
        ['CREDENTIAL', 'SHARED', sc.ids.c1],
        ['CREDENTIAL', 'PENDING', sc.ids.c1],
        ['CREDENTIAL', 'CREATED', sc.ids.c1],
        ['CREDENTIAL_SCHEMA', 'CREATED', sc.ids.s1],
      ]);
      expect(page).toMatchObject({ totalItems: 6, totalPages: 1 });
      expect(page.values.every((v) => v.organisationId === org)).toBe(true);
    });

    it('schema filter includes the proofs whose claims came from its credentials (all their entries)', async () => {
      const page = await list({ organisationId: org, relatedIds: [sc.ids.s2] });
      const byEntity = (id: string) => page.values.filter((v) => v.entityId === id).map((v) => v.action);
      expect(byEntity(sc.ids.s2)).toEqual(['CREATED']);
      expect(byEntity(sc.ids.c2)).toEqual(['ACCEPTED', 'CREATED']);
      expect(byEntity(sc.ids.p)).toEqual(['CLAIMS_REMOVED', 'ACCEPTED', 'SHARED', 'REQUESTED', 'CREATED']);
      expect(page.totalItems).toBe(8);
    });

    it('proof schema filter: the proof schema and its proofs', async () => {
      const page = await list({ organisationId: org, relatedIds: [sc.ids.ps] });
      expect(page.values.map((v) => v.entityType).sort()).toEqual(['PROOF', 'PROOF', 'PROOF', 'PROOF', 'PROOF', 'PROOF_SCHEMA']);
    });

    it('DID filter: the DID, credentials it issued or holds, proofs it verified', async () => {
      const issuer = await list({ organisationId: org, relatedIds: [sc.ids.d1] });
      expect(issuer.values.filter((v) => v.entityType === 'DID').map((v) => v.entityId)).toEqual([sc.ids.d1]);
      expect(issuer.values.filter((v) => v.entityType === 'CREDENTIAL')).toHaveLength(7);
      expect(issuer.values.filter((v) => v.entityType === 'PROOF')).toHaveLength(0);
      expect(issuer.totalItems).toBe(8);
      const holder = await list({ organisationId: org, relatedIds: [sc.ids.holder] });
      expect(holder.values.every((v) => v.entityType === 'CREDENTIAL')).toBe(true); // not the proofs: there it is not the verifier
      const verifier = await list({ organisationId: org, relatedIds: [sc.ids.v] });
      expect(verifier.values.map((v) => `${v.entityType}:${v.action}`)).toEqual([
        'PROOF:CLAIMS_REMOVED',
        'PROOF:ACCEPTED',
        'PROOF:SHARED',
        'PROOF:REQUESTED',
        'PROOF:CREATED',
        'DID:CREATED',
      ]);
    });

    it('combined: entityId + action + time window + didId returns exactly the right entries', async () => {
      const t = Date.parse(sc.claimsRemoved.time);
      const base = { organisationId: org, entityIds: [sc.ids.p], actions: ['CLAIMS_REMOVED'], relatedIds: [sc.ids.v] };
      const hit = await list({ ...base, createdDateFrom: new Date(t - 86_400_000 / 2), createdDateTo: new Date(t + 86_400_000 / 2) });
      expect(hit.values.map((v) => v.id)).toEqual([sc.claimsRemoved.id]);
      expect(hit.totalItems).toBe(1);
      const viaSchema = await list({ organisationId: org, relatedIds: [sc.ids.ps, sc.ids.v], actions: ['CLAIMS_REMOVED'], createdDateFrom: new Date(t), createdDateTo: new Date(t) });
      expect(viaSchema.values.map((v) => v.id)).toEqual([sc.claimsRemoved.id]);
      expect((await list({ ...base, createdDateTo: new Date(t - 1) })).totalItems).toBe(0);
      expect((await list({ ...base, relatedIds: [sc.ids.d1] })).totalItems).toBe(0);
    });

    it('action, entity types, sources, provider', async () => {
      expect((await list({ organisationId: org, actions: ['SHARED'] })).values.map((v) => v.entityType).sort()).toEqual(['CREDENTIAL', 'PROOF']);
      expect((await list({ organisationId: org, entityTypes: ['CREDENTIAL_SCHEMA'] })).totalItems).toBe(2);
      const bridge = await list({ organisationId: org, sources: ['BRIDGE'] });
      expect(bridge.values.map((v) => v.entityType)).toEqual(['INTERACTION', 'PROVIDER']);
      const provider = await list({ organisationId: org, relatedIds: [sc.ids.provider], entityTypes: ['INTERACTION'] });
      expect(provider.values.map((v) => v.entityId)).toEqual([sc.ids.interaction]);
      const sessions = await list({ organisationId: org, entityTypes: ['VERIFICATION_SESSION'] });
      expect(sessions.values.map((v) => [v.entityId, v.action])).toEqual([[sc.ids.session, 'PENDING']]);
      for (const t of ['KEY', 'ORGANISATION', 'TRUST_ANCHOR', 'TRUST_ENTITY', 'BACKUP']) {
        expect((await list({ organisationId: org, entityTypes: [t] })).totalItems).toBe(1);
      }
    });

    it('text search by every searchType, case-insensitive substring', async () => {
      const entities = async (searchText: string, searchType?: HistoryListQuery['searchType']) =>
        [...new Set((await list({ organisationId: org, searchText, searchType })).values.map((v) => v.entityId))].sort();
      expect(await entities('birthDATE', 'claimName')).toEqual([sc.ids.s1, sc.ids.c1].sort());
      expect(await entities('1990-01', 'claimValue')).toEqual([sc.ids.c1]);
      expect(await entities('1990-01', 'claimName')).toEqual([]);
      expect(await entities('driving', 'credentialSchemaName')).toEqual([sc.ids.s1, sc.ids.c1].sort());
      expect(await entities('z6MkIssuer', 'issuerDid')).toEqual([sc.ids.d1, sc.ids.c1, sc.ids.c2].sort());
      expect(await entities('VEHICLE OFF', 'issuerName')).toEqual([sc.ids.d1, sc.ids.c1, sc.ids.c2].sort());
      expect(await entities('did:web:verifier', 'verifierDid')).toEqual([sc.ids.v, sc.ids.p].sort());
      expect(await entities('border control', 'verifierName')).toEqual([sc.ids.v, sc.ids.p].sort());
      expect(await entities('border ch', 'proofSchemaName')).toEqual([sc.ids.ps, sc.ids.p].sort());
      expect(await entities('residence')).toEqual([sc.ids.s2, sc.ids.c2].sort());
      expect(await entities('(.*)')).toEqual([]); // regex metacharacters are literal
    });

    it("another organisation's entries never appear, whatever the filters", async () => {
      const mine = sc.ids;
      const queries: Partial<HistoryListQuery>[] = [
        {},
        { relatedIds: [mine.s1] },
        { relatedIds: [mine.d1] },
        { entityIds: [mine.c1] },
        { searchText: 'driving' },
        { actions: ['CREATED'], entityTypes: ['CREDENTIAL'], sources: ['CORE'] },
        { createdDateFrom: new Date('2000-01-01'), createdDateTo: new Date('2100-01-01') },
      ];
      for (const q of queries) {
        const page = await list({ ...q, organisationId: other });
        expect(page.values.every((v) => v.organisationId === other)).toBe(true);
        expect(page.values.some((v) => (Object.values(mine) as string[]).includes(v.entityId))).toBe(false);
      }
      await expect(svc.get(other, sc.c1Events[0].id)).rejects.toThrow('not found');
      const detail = await svc.get(org, sc.c1Events[0].id);
      expect(detail).toMatchObject({ action: 'CREATED', entityType: 'CREDENTIAL', metadata: { eventType: 'credential.created' } });
      expect(JSON.stringify(detail.metadata)).not.toContain('1990-01-01'); // claim values never reach metadata
    });

    it('sorts by a column with createdDate DESC, id DESC ties; the keyset cursor walks every entry once', async () => {
      const all = await list({ organisationId: org, sort: 'entityType', sortDirection: 'ASC' });
      const types = all.values.map((v) => v.entityType);
      expect(types).toEqual([...types].sort());
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await svc.list({ organisationId: org, pageSize: 4, sort: 'entityType', sortDirection: 'ASC', cursor });
        seen.push(...page.values.map((v) => v.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual(all.values.map((v) => v.id));
      await expect(svc.list({ organisationId: org, pageSize: 4, cursor: 'garbage' })).rejects.toThrow('malformed');
      const first = await svc.list({ organisationId: org, pageSize: 4 });
      await expect(svc.list({ organisationId: org, pageSize: 4, actions: ['CREATED'], cursor: first.nextCursor! })).rejects.toThrow('other filters');
    });
  });

  it('keyset cursor neither skips nor repeats entries when new ones arrive during paging', async () => {
    const org = newOrgId();
    await apply(historyScenario(org, new Date('2025-01-01T00:00:00Z')).events);
    const before = await list({ organisationId: org });
    const seen: string[] = [];
    let page = await svc.list({ organisationId: org, pageSize: 5 });
    seen.push(...page.values.map((v) => v.id));
    await apply(historyScenario(org, new Date('2025-06-01T00:00:00Z')).events); // newer entries arrive
    while (page.nextCursor) {
      page = await svc.list({ organisationId: org, pageSize: 5, cursor: page.nextCursor });
      seen.push(...page.values.map((v) => v.id));
    }
    expect(seen).toEqual(before.values.map((v) => v.id));
  });

  it('CLAIMS_REMOVED purges the claim values of the proof: a purged value cannot be found', async () => {
    const org = newOrgId();
    const sc = historyScenario(org, new Date('2025-02-01T00:00:00Z'), { withPurge: false });
    await apply(sc.events);
    for (const searchType of ['claimValue', undefined] as const) {
      const found = await list({ organisationId: org, searchText: sc.secretClaim, searchType });
      expect(found.values.map((v) => v.action).sort()).toEqual(['ACCEPTED', 'CREATED', 'REQUESTED', 'SHARED']); // all entries of the proof
    }
    await apply([sc.claimsRemoved]);
    for (const searchType of ['claimValue', 'claimName', undefined] as const) {
      expect((await list({ organisationId: org, searchText: sc.secretClaim, searchType })).totalItems).toBe(0);
    }
    expect((await list({ organisationId: org, searchText: 'permit_number', searchType: 'claimName', entityTypes: ['PROOF'] })).totalItems).toBe(0);
    // nothing stored anywhere in the history schema still holds it
    const [{ n }] = await ds.query(
      `SELECT (SELECT count(*) FROM history.entries e WHERE organisation_id = $1 AND (to_jsonb(e)::text ILIKE $2))
            + (SELECT count(*) FROM history.entities WHERE organisation_id = $1 AND (claims::text ILIKE $2 OR segments::text ILIKE $2)) AS n`,
      [org, `%${sc.secretClaim}%`],
    );
    expect(Number(n)).toBe(0);
    // a replay of the presentation after the purge does not bring the value back
    await apply([{ ...sc.proofEvents[2], id: randomUUID() }]);
    expect((await list({ organisationId: org, searchText: sc.secretClaim })).totalItems).toBe(0);
  });

  it('totalItems from the daily counters equals an exact count for any window and filter', async () => {
    const org = newOrgId();
    const events: EventEnvelope[] = [];
    for (let d = 0; d < 6; d++) events.push(...historyScenario(org, new Date(Date.UTC(2025, 0, 10 + d, d * 3, 17))).events);
    await apply(events);
    await apply(events.slice(0, 20)); // replay: counters do not double
    const windows: [string | undefined, string | undefined][] = [
      [undefined, undefined],
      ['2025-01-11T05:00:00.000Z', undefined],
      [undefined, '2025-01-13T10:00:00.000Z'],
      ['2025-01-11T00:00:00.000Z', '2025-01-14T00:00:00.000Z'],
      ['2025-01-11T04:13:00.000Z', '2025-01-14T23:59:59.999Z'],
      ['2025-01-12T06:17:05.000Z', '2025-01-12T06:17:30.000Z'],
    ];
    for (const [from, to] of windows) {
      for (const extra of [{}, { actions: ['CREATED', 'ACCEPTED'] }, { entityTypes: ['PROOF'], sources: ['CORE'] }]) {
        const f = { organisationId: org, createdDateFrom: from ? new Date(from) : undefined, createdDateTo: to ? new Date(to) : undefined, ...extra };
        const page = await list(f);
        const exact = await list({ ...f, relatedIds: undefined, searchText: undefined, entityIds: undefined, pageSize: 1000 });
        expect(page.totalItems).toBe(exact.values.length);
      }
    }
  });

  it('totalItems of relation filters (relation counters + own entries + edge days) equals an exact count', async () => {
    const org = newOrgId();
    const scenarios = Array.from({ length: 4 }, (_, d) => historyScenario(org, new Date(Date.UTC(2025, 0, 10 + d, d * 5, 41))));
    const events = scenarios.flatMap((s) => s.events);
    // small batches: later events (proof.shared brings the credentials) re-stamp entries of earlier batches
    for (let i = 0; i < events.length; i += 7) await apply(events.slice(i, i + 7));
    await apply(events.slice(5, 30)); // replay: counters do not double
    const windows: [string | undefined, string | undefined][] = [
      [undefined, undefined],
      ['2025-01-11T05:00:00.000Z', undefined],
      [undefined, '2025-01-12T10:00:00.000Z'],
      ['2025-01-11T00:00:00.000Z', '2025-01-13T00:00:00.000Z'],
      ['2025-01-10T04:13:00.000Z', '2025-01-13T23:59:59.999Z'],
    ];
    let nonZero = 0;
    for (const sc of scenarios.slice(0, 2)) {
      for (const id of Object.values(sc.ids)) {
        for (const [from, to] of windows) {
          for (const extra of [{}, { actions: ['CREATED', 'SHARED'] }, { entityTypes: ['PROOF', 'CREDENTIAL'], sources: ['CORE'] }]) {
            const f = { organisationId: org, relatedIds: [id], createdDateFrom: from ? new Date(from) : undefined, createdDateTo: to ? new Date(to) : undefined, ...extra };
            const page = await list(f);
            const [{ n }] = await ds.query(
              `SELECT count(*)::int AS n FROM history.entries WHERE organisation_id = $1 AND related_ids @> ARRAY[$2::uuid]
                 AND ($3::timestamptz IS NULL OR created_date >= $3) AND ($4::timestamptz IS NULL OR created_date <= $4)
                 AND ($5::text[] IS NULL OR action = ANY($5)) AND ($6::text[] IS NULL OR entity_type = ANY($6))`,
              [org, id, f.createdDateFrom ?? null, f.createdDateTo ?? null, (extra as { actions?: string[] }).actions ?? null, (extra as { entityTypes?: string[] }).entityTypes ?? null],
            );
            expect({ id, from, to, extra, totalItems: page.totalItems }).toEqual({ id, from, to, extra, totalItems: n });
            expect(page.values.length).toBe(n);
            if (n) nonZero++;
          }
        }
      }
    }
    expect(nonZero).toBeGreaterThan(50);
    // the counter table itself equals a recomputation from the entries
    const [{ diff }] = await ds.query(
      `SELECT count(*)::int AS diff FROM (
         (SELECT related_id, day, entity_type, action, source, n FROM history.related_counts WHERE organisation_id = $1
          EXCEPT
          SELECT r, (created_date AT TIME ZONE 'UTC')::date, entity_type, action, source, count(*) FROM history.entries, unnest(related_ids) r
           WHERE organisation_id = $1 AND r <> entity_id GROUP BY 1, 2, 3, 4, 5)
         UNION ALL
         (SELECT r, (created_date AT TIME ZONE 'UTC')::date, entity_type, action, source, count(*) FROM history.entries, unnest(related_ids) r
           WHERE organisation_id = $1 AND r <> entity_id GROUP BY 1, 2, 3, 4, 5
          EXCEPT
          SELECT related_id, day, entity_type, action, source, n FROM history.related_counts WHERE organisation_id = $1)) AS d`,
      [org],
    );
    expect(diff).toBe(0);
  });

  it('a text search matching more than the cap reports the cap and totalItemsCapped; below it, exact', async () => {
    const org = newOrgId();
    const sc = historyScenario(org);
    await apply(sc.events);
    const exact = await list({ organisationId: org, searchText: 'Driving' });
    expect(exact.totalItems).toBeGreaterThan(3);
    expect(exact.totalItems).toBe(exact.values.length);
    expect(exact.totalItemsCapped).toBeUndefined();
    const capped = await new HistoryQueryService(ds, { searchCountCap: 3 }).list({ organisationId: org, searchText: 'Driving', pageSize: 2 });
    expect(capped).toMatchObject({ totalItems: 3, totalItemsCapped: true, totalPages: 2 });
    expect(capped.values.length).toBe(2);
  });

  it('text-search pages from the keyset-walk probe equal the trigram plan (cursor walk and offset pages)', async () => {
    const org = newOrgId();
    for (let d = 0; d < 3; d++) await apply(historyScenario(org, new Date(Date.UTC(2025, 1, 1 + d, 9))).events);
    for (const [searchText, searchType] of [['Driving', undefined], ['Driving', 'credentialSchemaName'], ['o', undefined], ['nothing-like-this', undefined]] as const) {
      const all = await list({ organisationId: org, searchText, searchType }); // pageSize 1000: the trigram plan
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await svc.list({ organisationId: org, searchText, searchType, pageSize: 3, ...(cursor ? { cursor } : {}) });
        seen.push(...page.values.map((v) => v.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual(all.values.map((v) => v.id));
      const p1 = await svc.list({ organisationId: org, searchText, searchType, pageSize: 3, page: 1 });
      expect(p1.values.map((v) => v.id)).toEqual(all.values.slice(3, 6).map((v) => v.id));
    }
  });
});
