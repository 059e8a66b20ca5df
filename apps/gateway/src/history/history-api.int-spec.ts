import { randomUUID } from 'crypto';
import type { DataSource } from 'typeorm';
import { signDevToken } from '@cep/auth';
import { EventPublisher } from '@cep/messaging';
import { DEV_JWT_SECRET } from '@cep/platform';
import { historyScenario, skipHistoryBacklog } from '@cep/history/testing';
import { credentialCreatedEvent, expectEventually, newOrgId, startApp, testDataSource, testKafka, uniqueName, type AppHandle } from '@cep/testing';

/**
 * Contract-valid events (buildEvent) published through the real Kafka with EventPublisher → the real history
 * projector process → PostgreSQL → the real gateway process, HTTP in, HTTP out. (The verifier and wallet
 * producers did not exist yet when this was written; the issuer → history path is covered by
 * apps/gateway/src/e2e/issue-to-history.e2e-spec.ts.)
 */
describe('GET /api/history/v1 (Kafka → history projector → gateway)', () => {
  const kafka = testKafka('history-api-int');
  const publisher = new EventPublisher(kafka);
  const apps: AppHandle[] = [];
  let ds: DataSource;
  let gateway: AppHandle;
  const org = newOrgId();
  const other = newOrgId();
  const sc = historyScenario(org);
  const sc2 = historyScenario(other);
  let token: string;

  const get = async (qs: string, tok = token) => {
    const r = await fetch(`${gateway.url}/api/history/v1${qs}`, { headers: { authorization: `Bearer ${tok}` } });
    return { status: r.status, headers: r.headers, body: (await r.json()) as any };
  };

  beforeAll(async () => {
    ds = await testDataSource();
    await skipHistoryBacklog(ds, kafka);
    const [p, g] = await Promise.all([
      startApp('history-projector', { port: 4310, env: { KAFKA_GROUP_ID: uniqueName('it-history-api') } }),
      startApp('gateway', { port: 4311 }),
    ]);
    apps.push(p, g);
    gateway = g;
    token = await signDevToken({ secret: DEV_JWT_SECRET, org, scope: 'history:read' });
    await publisher.publish([...sc.events, ...sc2.events]);
    await expectEventually(async () => {
      const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM history.entries WHERE organisation_id = ANY($1)`, [[org, other]]);
      expect(n).toBe(sc.events.length + sc2.events.length);
    }, { timeoutMs: 60000 });
  });

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.kill('SIGTERM')));
    await publisher.disconnect();
    await ds.destroy();
  });

  it('seed example: credentialSchemaId returns the schema CREATED and the credential CREATED, PENDING, SHARED, OFFERED, ACCEPTED', async () => {
    const r = await get(`?page=0&pageSize=999&credentialSchemaId=${sc.ids.s1}&organisationId=${org}`);
    expect(r.status).toBe(200);
    expect(r.body.totalItems).toBe(6);
    expect(r.body.totalPages).toBe(1);
    expect(r.body.values.map((v: any) => `${v.entityType}:${v.action}`)).toEqual([
      'CREDENTIAL:ACCEPTED',
      'CREDENTIAL:OFFERED',
      'CREDENTIAL:SHARED',
      'CREDENTIAL:PENDING',
      'CREDENTIAL:CREATED',
      'CREDENTIAL_SCHEMA:CREATED',
    ]);
    expect(Object.keys(r.body.values[0]).sort()).toEqual(
      ['action', 'createdDate', 'entityId', 'entityType', 'id', 'name', 'organisationId', 'source', 'target'].sort(),
    );
    expect(r.headers.get('x-history-newest-event-time')).toBeTruthy();
    expect(Number(r.headers.get('x-history-lag-ms'))).toBeGreaterThanOrEqual(0);
  });

  it('DID filter (didId and identifierId) includes related credentials and proofs', async () => {
    const issuer = await get(`?pageSize=999&didId=${sc.ids.d1}&sort=entityType`);
    expect(issuer.body.values.map((v: any) => v.entityType)).toEqual(['DID', ...Array(7).fill('CREDENTIAL')]); // sortDirection defaults to DESC
    const verifier = await get(`?pageSize=999&identifierId=${sc.ids.v}`);
    expect(verifier.body.values.map((v: any) => v.entityType).sort()).toEqual(['DID', 'PROOF', 'PROOF', 'PROOF', 'PROOF', 'PROOF']);
  });

  it('combined seed example: entityId + action + time window + didId', async () => {
    const t = Date.parse(sc.claimsRemoved.time);
    const from = encodeURIComponent(new Date(t - 3_600_000).toISOString());
    const to = encodeURIComponent(new Date(t + 3_600_000).toISOString());
    const r = await get(
      `?page=0&pageSize=999&entityId=${sc.ids.p}&action=CLAIMS_REMOVED&createdDateFrom=${from}&createdDateTo=${to}&didId=${sc.ids.v}&organisationId=${org}`,
    );
    expect(r.body.values.map((v: any) => v.id)).toEqual([sc.claimsRemoved.id]);
    // newer names; the window starts after the proof was shared, so only CLAIMS_REMOVED is left of the two actions
    const after = encodeURIComponent(new Date(t - 60_000).toISOString());
    const newer = await get(`?pageSize=999&proofSchemaId=${sc.ids.ps}&actions[]=CLAIMS_REMOVED&actions[]=SHARED&createdDateAfter=${after}&createdDateBefore=${to}&didId=${sc.ids.v}`);
    expect(newer.body.values.map((v: any) => v.id)).toEqual([sc.claimsRemoved.id]);
    const wider = await get(`?pageSize=999&proofSchemaId=${sc.ids.ps}&actions[]=CLAIMS_REMOVED&actions[]=SHARED&createdDateAfter=${from}&createdDateBefore=${to}&didId=${sc.ids.v}`);
    expect(wider.body.values.map((v: any) => v.action)).toEqual(['CLAIMS_REMOVED', 'SHARED']);
  });

  it('Bridge: source, entityTypes, providerId', async () => {
    const providers = await get(`?sortDirection=DESC&entityTypes=PROVIDER&source=BRIDGE`);
    expect(providers.body.values.map((v: any) => [v.entityId, v.source, v.name])).toEqual([[sc.ids.provider, 'BRIDGE', 'Corporate SSO']]);
    const all = await get(`?providerId=${sc.ids.provider}&sources[]=BRIDGE`);
    expect(all.body.values.map((v: any) => v.entityType)).toEqual(['INTERACTION', 'PROVIDER']);
  });

  it('text search, and the purged proof claim value is not found', async () => {
    const r = await get(`?pageSize=999&searchText=Birthdate&searchType=claimName`);
    expect(new Set(r.body.values.map((v: any) => v.entityId))).toEqual(new Set([sc.ids.s1, sc.ids.c1]));
    expect((await get(`?searchText=${sc.secretClaim}`)).body.totalItems).toBe(0);
  });

  it('detail with metadata; 404 for another organisation; cursor paging', async () => {
    const id = sc.c1Events[0].id;
    const d = await get(`/${id}`);
    expect(d.status).toBe(200);
    expect(d.body).toMatchObject({ id, action: 'CREATED', entityType: 'CREDENTIAL', metadata: { eventType: 'credential.created' } });
    const otherToken = await signDevToken({ secret: DEV_JWT_SECRET, org: other, scope: 'history:read' });
    expect((await get(`/${id}`, otherToken)).status).toBe(404);
    expect((await get(`/${randomUUID()}`)).status).toBe(404);
    const all = await get(`?pageSize=1000`);
    const seen: string[] = [];
    let page = await get(`?pageSize=7`);
    seen.push(...page.body.values.map((v: any) => v.id));
    while (page.body.nextCursor) {
      page = await get(`?pageSize=7&cursor=${page.body.nextCursor}`);
      seen.push(...page.body.values.map((v: any) => v.id));
    }
    expect(seen).toEqual(all.body.values.map((v: any) => v.id));
  });

  it("another organisation's entries never appear; naming another organisation is 403", async () => {
    for (const qs of ['', `?credentialSchemaId=${sc2.ids.s1}`, `?didId=${sc2.ids.d1}`, `?entityId=${sc2.ids.c1}`, '?searchText=driving']) {
      const r = await get(qs);
      expect(r.status).toBe(200);
      expect(r.body.values.every((v: any) => v.organisationId === org)).toBe(true);
    }
    expect((await get(`?entityId=${sc2.ids.c1}`)).body.totalItems).toBe(0);
    expect((await get(`?organisationId=${other}`)).status).toBe(403);
  });

  it('400 names the offending parameter: unknown, bad UUID, bad date, unknown enum, pageSize > 1000, bad cursor', async () => {
    const cases: [string, string][] = [
      ['?foo=1', 'foo'],
      ['?entityId=not-a-uuid', 'entityId'],
      ['?didId=123', 'didId'],
      ['?createdDateFrom=yesterday', 'createdDateFrom'],
      ['?createdDateBefore=2025-13-45T00:00:00Z', 'createdDateBefore'],
      ['?action=EXPLODED', 'action'],
      ['?actions[]=CREATED&actions[]=NOPE', 'actions'],
      ['?entityTypes[]=SPACESHIP', 'entityTypes'],
      ['?searchType=everything', 'searchType'],
      ['?sort=name', 'sort'],
      ['?sortDirection=UP', 'sortDirection'],
      ['?source=MARS', 'source'],
      ['?pageSize=1001', 'pageSize'],
      ['?page=-1', 'page'],
      ['?cursor=bm9wZQ', 'cursor'],
    ];
    for (const [qs, param] of cases) {
      const r = await get(qs);
      expect({ qs, status: r.status }).toEqual({ qs, status: 400 });
      expect(r.body.code).toBe('VALIDATION_ERROR');
      expect(r.body.details.map((d: any) => d.param)).toContain(param);
    }
    expect((await get('/nope')).status).toBe(400);
  });

  it("freshness headers are the caller's organisation's own, and an event stamped in the future does not move them", async () => {
    // an organisation without entries sees no freshness at all (not the projection-wide watermark)
    const quiet = await get('', await signDevToken({ secret: DEV_JWT_SECRET, org: newOrgId(), scope: 'history:read' }));
    expect(quiet.status).toBe(200);
    expect(quiet.headers.get('x-history-newest-event-time')).toBeNull();
    // the organisation's own newest entry
    const mine = await get('?pageSize=1000');
    const newest = Math.max(...mine.body.values.map((v: any) => Date.parse(v.createdDate)));
    expect(Date.parse(mine.headers.get('x-history-newest-event-time')!)).toBe(newest);
    // an entry stamped a day ahead is projected, but the header stays at the newest plausible one
    const ahead = newOrgId();
    const past = credentialCreatedEvent(ahead, new Date(Date.now() - 3_600_000));
    const future = credentialCreatedEvent(ahead, new Date(Date.now() + 86_400_000));
    await publisher.publish([past, future]);
    const aheadToken = await signDevToken({ secret: DEV_JWT_SECRET, org: ahead, scope: 'history:read' });
    await expectEventually(async () => expect((await get('', aheadToken)).body.totalItems).toBe(2), { timeoutMs: 60000 });
    const r = await get('', aheadToken);
    expect(r.headers.get('x-history-newest-event-time')).toBe(past.time);
    expect(Number(r.headers.get('x-history-lag-ms'))).toBeGreaterThanOrEqual(3_600_000 - 60_000);
  });
});
