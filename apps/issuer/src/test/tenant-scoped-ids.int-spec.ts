import { randomUUID } from 'crypto';
import type { DataSource } from 'typeorm';
import { signDevToken } from '@cep/auth';
import { DEV_JWT_SECRET } from '@cep/platform';
import { newOrgId, startApp, testDataSource, type AppHandle } from '@cep/testing';

/**
 * No cross-tenant existence oracle (docs/security.md): every client-chosen id of the three producer apps, used by two
 * tenants, answers 201 to both, with two independent streams (one per organisation) in the producer's event
 * store; the same id twice in ONE tenant is still a 409 (the test would see a conflict if there were one).
 * Real issuer, verifier and wallet processes over HTTP, real PostgreSQL.
 */
const PORTS = { issuer: 4870, verifier: 4871, wallet: 4872 };

describe('client-chosen ids are scoped by organisation (issuer, verifier, wallet)', () => {
  const apps: AppHandle[] = [];
  let issuer: AppHandle;
  let verifier: AppHandle;
  let wallet: AppHandle;
  let ds: DataSource;

  beforeAll(async () => {
    ds = await testDataSource();
    [issuer, verifier, wallet] = await Promise.all([
      startApp('issuer', { port: PORTS.issuer, env: { WALLET_POLICY_ENABLED: 'false', OFFER_EXPIRY_SCAN_INTERVAL_MS: '0' } }),
      startApp('verifier', { port: PORTS.verifier }),
      startApp('wallet', { port: PORTS.wallet }),
    ]);
    apps.push(issuer, verifier, wallet);
  });

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.kill('SIGTERM')));
    await ds?.destroy();
  });

  async function post(app: AppHandle, org: string, path: string, body: unknown) {
    const token = await signDevToken({ secret: DEV_JWT_SECRET, org, scope: 'events:write', subject: 'admin' });
    const r = await fetch(`${app.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json()) as any };
  }

  /** A profile offer issued by a third tenant: what two wallets receive under the same credential id. */
  async function offer(): Promise<Record<string, unknown>> {
    const org = newOrgId();
    const r = await post(issuer, org, '/v1/credentials', {
      schemaId: randomUUID(),
      schemaName: 'Badge',
      profile: 'jwt-vc',
      credentialType: 'Badge',
      claims: [{ name: 'name', value: 'Ada' }],
      issuerDid: { id: randomUUID(), did: 'did:web:issuer.example' },
      recipient: { type: 'profile', identifier: 'did:web:holder.example' },
    });
    expect(r.status).toBe(201);
    return r.body.offer;
  }

  type Row = { kind: string; app: () => AppHandle; schema: string; path: string; body: (id: string, org: string) => unknown | Promise<unknown> };
  const did = () => ({ id: randomUUID(), did: 'did:web:x.example' });
  const ROWS: Row[] = [
    { kind: 'schemaId', app: () => issuer, schema: 'issuer', path: '/v1/credential-schemas', body: (id) => ({ schemaId: id, name: 'Badge', profile: 'jwt-vc', credentialType: 'Badge', claimNames: ['name'] }) },
    {
      kind: 'credentialId',
      app: () => issuer,
      schema: 'issuer',
      path: '/v1/credentials',
      body: (id) => ({
        credentialId: id,
        schemaId: randomUUID(),
        schemaName: 'Badge',
        profile: 'jwt-vc',
        credentialType: 'Badge',
        claims: [{ name: 'name', value: 'Ada' }],
        issuerDid: did(),
        recipient: { type: 'email', identifier: 'ada@example.com' },
      }),
    },
    { kind: 'issuer keyId', app: () => issuer, schema: 'issuer', path: '/v1/keys', body: (id) => ({ keyId: id, name: 'k', keyType: 'EDDSA', storageType: 'INTERNAL' }) },
    { kind: 'issuer didId', app: () => issuer, schema: 'issuer', path: '/v1/dids', body: (id) => ({ didId: id, did: 'did:key:z6Mkabc', name: 'd', method: 'KEY', keyIds: [] }) },
    { kind: 'trustAnchorId', app: () => issuer, schema: 'issuer', path: '/v1/trust-anchors', body: (id) => ({ trustAnchorId: id, name: 'anchor', type: 'SIMPLE_TRUST_LIST' }) },
    { kind: 'providerId', app: () => issuer, schema: 'issuer', path: '/v1/bridge/providers', body: (id) => ({ providerId: id, name: 'Azure AD' }) },
    { kind: 'proofSchemaId', app: () => verifier, schema: 'verifier', path: '/v1/proof-schemas', body: (id) => ({ proofSchemaId: id, name: 'Age', credentialSchemaIds: [], claimNames: ['birth_date'] }) },
    {
      kind: 'proofId',
      app: () => verifier,
      schema: 'verifier',
      path: '/v1/proofs',
      body: async (id, org) => {
        const ps = await post(verifier, org, '/v1/proof-schemas', { name: 'Age', credentialSchemaIds: [], claimNames: ['birth_date'] });
        return { proofId: id, proofSchemaId: ps.body.id, verifierDid: did() };
      },
    },
    { kind: 'backupId', app: () => wallet, schema: 'wallet', path: '/v1/wallet/backups', body: (id) => ({ backupId: id, name: 'b.zip' }) },
    { kind: 'wallet keyId', app: () => wallet, schema: 'wallet', path: '/v1/wallet/keys', body: (id) => ({ keyId: id, keyAlgorithm: 'Ed25519' }) },
    { kind: 'wallet didId', app: () => wallet, schema: 'wallet', path: '/v1/wallet/dids', body: (id) => ({ didId: id, did: 'did:key:z6Mkabc' }) },
  ];

  it.each(ROWS.map((r) => [r.kind, r] as const))('%s: the same id in two tenants is 201 twice, two independent streams; twice in one tenant is 409', async (_kind, row) => {
    const id = randomUUID();
    const [a, b] = [newOrgId(), newOrgId()];
    const first = await post(row.app(), a, row.path, await row.body(id, a));
    expect({ status: first.status, body: first.status === 201 ? 'ok' : first.body }).toEqual({ status: 201, body: 'ok' });
    const second = await post(row.app(), b, row.path, await row.body(id, b));
    expect({ status: second.status, body: second.status === 201 ? 'ok' : second.body }).toEqual({ status: 201, body: 'ok' });
    expect(second.body.version).toBe(first.body.version); // a new stream, not the other tenant's continued
    const streams = await ds.query(`SELECT organisation_id, min(version)::int AS first FROM ${row.schema}.events WHERE stream_id = $1 GROUP BY organisation_id ORDER BY organisation_id`, [id]);
    expect(streams).toEqual([a, b].sort().map((o) => ({ organisation_id: o, first: 1 })));
    const again = await post(row.app(), a, row.path, await row.body(id, a));
    expect(again.status).toBe(409);
  });

  it('a wallet offer already received by another tenant\'s wallet: both wallets receive it (201), independent streams', async () => {
    const o = await offer();
    const [w1, w2] = [newOrgId(), newOrgId()];
    expect((await post(wallet, w1, '/v1/wallet/credentials', o)).status).toBe(201);
    expect((await post(wallet, w2, '/v1/wallet/credentials', o)).status).toBe(201);
    // each wallet claims its own copy; the other tenant's stream does not answer for it
    expect((await post(wallet, w2, `/v1/wallet/credentials/${o.credentialId}/claim`, {})).status).toBe(200);
    expect((await post(wallet, w1, `/v1/wallet/credentials/${o.credentialId}/claim`, {})).status).toBe(200);
    const rows: { organisation_id: string; n: number }[] = await ds.query(
      `SELECT organisation_id, count(*)::int AS n FROM wallet.events WHERE stream_id = $1 AND event_type LIKE 'wallet.credential-%' GROUP BY organisation_id`,
      [o.credentialId],
    );
    expect(rows.map((r) => [r.organisation_id, r.n]).sort()).toEqual([w1, w2].sort().map((w) => [w, 2]));
    expect((await post(wallet, w1, '/v1/wallet/credentials', o)).status).toBe(409);
  });
});
