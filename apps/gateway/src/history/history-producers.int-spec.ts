import { randomUUID } from 'crypto';
import type { DataSource } from 'typeorm';
import { signDevToken } from '@cep/auth';
import { DEV_JWT_SECRET } from '@cep/platform';
import { skipHistoryBacklog } from '@cep/history/testing';
import { expectEventually, newOrgId, startApp, testDataSource, testKafka, uniqueName, type AppHandle } from '@cep/testing';

/**
 * Real producer flows → history: the issuer, verifier and wallet apps as processes (HTTP commands → event store +
 * outbox → relay → Kafka) → the history projector process → the gateway process. Checked against seed 003's
 * examples: the schema filter, the DID filter (related credentials and proofs), the combined example, the Bridge
 * provider filter, CLAIMS_REMOVED, and tenant isolation (the wallet's organisation never leaks in).
 */
const PORTS = { issuer: 4850, verifier: 4851, wallet: 4852, projector: 4853, gateway: 4854 };

describe('history from real producer flows (issuer, verifier, wallet → Kafka → projector → gateway)', () => {
  const kafka = testKafka('history-producers-int');
  const apps: AppHandle[] = [];
  let ds: DataSource;
  let issuer: AppHandle;
  let verifier: AppHandle;
  let wallet: AppHandle;
  let gateway: AppHandle;
  const org = newOrgId();
  const walletOrg = newOrgId();
  const t0 = new Date();

  const ids: Record<string, string> = {};
  const secretValue = `secret-${randomUUID().slice(0, 8)}`;

  async function post(app: AppHandle, asOrg: string, path: string, body: unknown = {}) {
    const token = await signDevToken({ secret: DEV_JWT_SECRET, org: asOrg, scope: 'events:write', subject: 'auditor-test' });
    const r = await fetch(`${app.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await r.json()) as any;
    if (r.status >= 300) throw new Error(`${path}: ${r.status} ${JSON.stringify(json)}`);
    return json;
  }
  async function history(qs: string, asOrg = org) {
    const token = await signDevToken({ secret: DEV_JWT_SECRET, org: asOrg, scope: 'history:read' });
    const r = await fetch(`${gateway.url}/api/history/v1?pageSize=999&${qs}`, { headers: { authorization: `Bearer ${token}` } });
    expect(r.status).toBe(200);
    const body = (await r.json()) as { values: any[]; totalItems: number; totalPages: number };
    expect(body.totalItems).toBe(body.values.length);
    for (const v of body.values) expect(v.organisationId).toBe(asOrg);
    return body;
  }
  const kinds = (values: any[]) => values.map((v) => `${v.entityType}:${v.action}`);

  beforeAll(async () => {
    ds = await testDataSource();
    await skipHistoryBacklog(ds, kafka);
    [issuer, verifier, wallet] = await Promise.all([
      startApp('issuer', { port: PORTS.issuer, env: { WALLET_POLICY_GROUP_ID: uniqueName('it-hist-policy') } }),
      startApp('verifier', { port: PORTS.verifier }),
      startApp('wallet', { port: PORTS.wallet }),
      startApp('history-projector', { port: PORTS.projector, env: { KAFKA_GROUP_ID: uniqueName('it-hist-producers') } }).then((p) => (apps.push(p), p)),
      startApp('gateway', { port: PORTS.gateway }).then((g) => ((gateway = g), apps.push(g), g)),
    ]);
    apps.push(issuer, verifier, wallet);

    // identity: key, issuer DID, verifier DID (the DID registry is the issuer's)
    const key = await post(issuer, org, '/v1/keys', { name: 'issuer key', keyType: 'EDDSA', storageType: 'INTERNAL' });
    const issuerDid = { id: randomUUID(), did: `did:key:z6MkIssuer${randomUUID().slice(0, 8)}`, name: 'Motor Vehicle Office' };
    const verifierDid = { id: randomUUID(), did: `did:web:border-${randomUUID().slice(0, 8)}.example`, name: 'Border Control' };
    const holderDid = { id: randomUUID(), did: `did:key:z6MkHolder${randomUUID().slice(0, 8)}`, name: 'Holder' };
    await post(issuer, org, '/v1/dids', { didId: issuerDid.id, did: issuerDid.did, name: issuerDid.name, method: 'KEY', keyIds: [key.id] });
    await post(issuer, org, '/v1/dids', { didId: verifierDid.id, did: verifierDid.did, name: verifierDid.name, method: 'WEB', keyIds: [key.id] });
    Object.assign(ids, { issuerDid: issuerDid.id, verifierDid: verifierDid.id, holderDid: holderDid.id });

    // credential schema; credential 1 to a wallet profile: the wallet (another organisation) receives and claims, the
    // issuer's WalletClaimPolicy accepts; credential 2 by e-mail: accepted through the issuer endpoint, shared, revoked
    const schema = await post(issuer, org, '/v1/credential-schemas', { name: 'Driving licence', profile: 'sd-jwt-vc', credentialType: 'DrivingLicence', claimNames: ['Birthdate', 'permit_number'] });
    ids.schema = schema.id;
    const issue = (recipient: object) =>
      post(issuer, org, '/v1/credentials', {
        schemaId: schema.id,
        profile: 'sd-jwt-vc',
        credentialType: 'DrivingLicence',
        claims: [{ name: 'Birthdate', value: '1990-01-01' }, { name: 'permit_number', value: secretValue }],
        issuerDid,
        recipient,
      });
    const c1 = await issue({ type: 'profile', identifier: 'profile-holder' });
    ids.c1 = c1.credentialId;
    await post(wallet, walletOrg, '/v1/wallet/credentials', c1.offer);
    await post(wallet, walletOrg, `/v1/wallet/credentials/${c1.credentialId}/claim`, { holderDid });
    const c2 = await issue({ type: 'email', identifier: 'holder@example.com' });
    ids.c2 = c2.credentialId;
    await post(issuer, org, `/v1/credentials/${c2.credentialId}/accept`, { holderDid });
    await post(issuer, org, `/v1/credentials/${c2.credentialId}/share`);
    await post(issuer, org, `/v1/credentials/${c2.credentialId}/revoke`, { reason: 'lost' });

    // proof over credential 1: request, share (the wallet's presentation), accept, claims removal
    const ps = await post(verifier, org, '/v1/proof-schemas', { name: 'Age check', credentialSchemaIds: [schema.id], claimNames: ['Birthdate'] });
    ids.proofSchema = ps.id;
    const proof = await post(verifier, org, '/v1/proofs', { proofSchemaId: ps.id, verifierDid });
    ids.proof = proof.id;
    await post(verifier, org, `/v1/proofs/${proof.id}/request`);
    await post(verifier, org, `/v1/proofs/${proof.id}/share`, {
      credentials: [{ credentialId: c1.credentialId, schemaId: schema.id }],
      claims: [{ name: 'Birthdate', value: '1990-01-01' }, { name: 'permit_number', value: secretValue }],
      holderDid,
    });
    await post(verifier, org, `/v1/proofs/${proof.id}/accept`, { signatureAlgorithm: 'ES256' });

    // Bridge: provider and two logins
    const provider = await post(issuer, org, '/v1/bridge/providers', { name: 'Corporate IdP', issuerUrl: 'https://idp.example.com' });
    ids.provider = provider.id;
    await post(issuer, org, `/v1/bridge/providers/${provider.id}/logins`, { subject: 'alice' });
    await post(issuer, org, `/v1/bridge/providers/${provider.id}/logins`, { error: 'access_denied' });

    // everything projected: the last events of each flow are visible
    await expectEventually(
      async () => {
        const accepted = await history(`entityId=${c1.credentialId}&action=ACCEPTED`);
        expect(accepted.values).toHaveLength(1);
        expect((await history(`entityId=${proof.id}&action=ACCEPTED`)).values).toHaveLength(1);
        expect((await history(`entityId=${c2.credentialId}&action=REVOKED`)).values).toHaveLength(1);
        expect((await history(`providerId=${provider.id}`)).values).toHaveLength(3);
      },
      { timeoutMs: 60000 },
    );
  }, 120000);

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.kill('SIGTERM')));
    await ds?.destroy();
  });

  it('schema filter: the schema CREATED, its credentials (CREATED, PENDING, OFFERED, ACCEPTED, SHARED, REVOKED) and the proof that used one', async () => {
    const r = await history(`page=0&credentialSchemaId=${ids.schema}&organisationId=${org}`);
    const byEntity = (id: string) => kinds(r.values.filter((v) => v.entityId === id)).sort();
    expect(byEntity(ids.schema)).toEqual(['CREDENTIAL_SCHEMA:CREATED']);
    // seed 003: CREATED, PENDING, SHARED, OFFERED, ACCEPTED. Our issuer shares only an accepted credential
    // (`POST /v1/credentials/:id/share`), so SHARED comes after ACCEPTED here.
    expect(kinds(r.values.filter((v) => v.entityId === ids.c2))).toEqual([
      'CREDENTIAL:REVOKED', 'CREDENTIAL:SHARED', 'CREDENTIAL:ACCEPTED', 'CREDENTIAL:OFFERED', 'CREDENTIAL:PENDING', 'CREDENTIAL:CREATED',
    ]);
    expect(kinds(r.values.filter((v) => v.entityId === ids.c1))).toEqual(['CREDENTIAL:ACCEPTED', 'CREDENTIAL:OFFERED', 'CREDENTIAL:PENDING', 'CREDENTIAL:CREATED']);
    // the proof whose claims came from credential 1: all its entries, including those written before the presentation
    expect(byEntity(ids.proof)).toEqual(['PROOF:ACCEPTED', 'PROOF:CREATED', 'PROOF:PENDING', 'PROOF:REQUESTED', 'PROOF:SHARED']);
    expect(new Set(r.values.map((v) => v.entityId))).toEqual(new Set([ids.schema, ids.c1, ids.c2, ids.proof]));
    // newest first
    const dates = r.values.map((v) => v.createdDate);
    expect([...dates].sort().reverse()).toEqual(dates);
  });

  it('DID filter includes the related credentials and proofs (issuer, holder, verifier)', async () => {
    const issuer = await history(`didId=${ids.issuerDid}&sort=entityType`);
    expect(new Set(issuer.values.map((v) => v.entityId))).toEqual(new Set([ids.issuerDid, ids.c1, ids.c2]));
    expect(kinds(issuer.values.filter((v) => v.entityId === ids.issuerDid))).toEqual(['DID:CREATED']);
    const holder = await history(`identifierId=${ids.holderDid}`);
    expect(holder.values.some((v) => v.entityId === ids.c2 && v.action === 'ACCEPTED')).toBe(true);
    expect(holder.values.every((v) => v.entityType === 'CREDENTIAL')).toBe(true);
    const verifier = await history(`didId=${ids.verifierDid}`);
    expect(new Set(verifier.values.map((v) => v.entityId))).toEqual(new Set([ids.verifierDid, ids.proof]));
    expect(kinds(verifier.values.filter((v) => v.entityId === ids.proof)).sort()).toEqual(['PROOF:ACCEPTED', 'PROOF:CREATED', 'PROOF:PENDING', 'PROOF:REQUESTED', 'PROOF:SHARED']);
    const proofSchema = await history(`proofSchemaId=${ids.proofSchema}`);
    expect(new Set(proofSchema.values.map((v) => v.entityId))).toEqual(new Set([ids.proofSchema, ids.proof]));
  });

  it('Bridge: providerId and source=BRIDGE return the provider and its logins', async () => {
    const r = await history(`providerId=${ids.provider}`);
    expect(kinds(r.values).sort()).toEqual(['INTERACTION:ERRORED', 'INTERACTION:SUCCEEDED', 'PROVIDER:CREATED']);
    expect(r.values.every((v) => v.source === 'BRIDGE')).toBe(true);
    const bridge = await history(`sources[]=BRIDGE`);
    expect(bridge.values.map((v) => v.id).sort()).toEqual(r.values.map((v) => v.id).sort());
  });

  it('combined example (entityId + action + time window + didId) after a claims removal returns exactly that entry; the purged value is gone', async () => {
    expect((await history(`searchText=${secretValue}&searchType=claimValue&entityTypes[]=PROOF`)).values.length).toBe(5);
    await post(verifier, org, `/v1/proofs/${ids.proof}/claims-removal`);
    const from = new Date(t0.getTime() - 60_000).toISOString();
    const to = new Date(Date.now() + 3_600_000).toISOString();
    const qs = `entityId=${ids.proof}&action=CLAIMS_REMOVED&createdDateFrom=${from}&createdDateTo=${to}&didId=${ids.verifierDid}&organisationId=${org}`;
    const r = await expectEventually(async () => {
      const x = await history(qs);
      expect(x.values).toHaveLength(1);
      return x;
    });
    expect(r.values[0]).toMatchObject({ entityId: ids.proof, entityType: 'PROOF', action: 'CLAIMS_REMOVED' });
    // the same filters with a window that ends before the removal: nothing
    expect((await history(qs.replace(`createdDateTo=${to}`, `createdDateTo=${from}`))).values).toHaveLength(0);
    // the presented value is no longer found on the proof (the credentials keep their own claims)
    expect((await history(`searchText=${secretValue}&entityTypes[]=PROOF`)).values).toHaveLength(0);
  });

  it("the wallet's organisation sees only its own entries; the issuer's never leak into it", async () => {
    const mine = await history(`entityId=${ids.c1}`, walletOrg);
    expect(mine.values.length).toBeGreaterThan(0); // wallet.credential-received / claimed
    for (const qs of [`credentialSchemaId=${ids.schema}`, `didId=${ids.issuerDid}`, `providerId=${ids.provider}`, `searchText=Driving`]) {
      const r = await history(qs, walletOrg);
      expect(r.values.every((v) => v.entityId === ids.c1)).toBe(true);
    }
  });
});
