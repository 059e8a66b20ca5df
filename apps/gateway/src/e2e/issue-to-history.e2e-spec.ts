import { randomUUID } from 'crypto';
import { signDevToken } from '@cep/auth';
import { DEV_JWT_SECRET } from '@cep/platform';
import { skipHistoryBacklog } from '@cep/history/testing';
import { expectEventually, gatewayClient, newOrgId, startApp, testDataSource, testKafka, uniqueName, type AppHandle } from '@cep/testing';

/**
 * The whole path with every part real: HTTP command at the issuer → event store + outbox (PostgreSQL) →
 * relay → Kafka → history projector → PostgreSQL read model → gateway REST.
 */
describe('issue a credential, read it in the history (e2e)', () => {
  const apps: AppHandle[] = [];
  const org = newOrgId();
  let issuer: AppHandle;
  let gateway: AppHandle;

  beforeAll(async () => {
    // the run's database is fresh but the broker's topics are not: start the history projection at their end
    const ds = await testDataSource();
    await skipHistoryBacklog(ds, testKafka('e2e-history'));
    await ds.destroy();
    const groupEnv = { KAFKA_GROUP_ID: uniqueName('e2e-history') };
    const [i, p, g] = await Promise.all([
      startApp('issuer', { port: 4001 }),
      startApp('history-projector', { port: 4002, env: groupEnv }),
      startApp('gateway', { port: 4003 }),
    ]);
    apps.push(i, p, g);
    issuer = i;
    gateway = g;
  });

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.kill('SIGTERM')));
  });

  it('returns the CREATED, PENDING and OFFERED entries of the issued credential, newest first', async () => {
    const writer = await signDevToken({ secret: DEV_JWT_SECRET, org, scope: 'events:write' });
    const reader = await signDevToken({ secret: DEV_JWT_SECRET, org, scope: 'history:read' });
    const schemaId = randomUUID();
    const res = await fetch(`${issuer.url}/v1/credentials`, {
      method: 'POST',
      headers: { authorization: `Bearer ${writer}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        schemaId,
        schemaName: 'Driving licence',
        profile: 'mdoc',
        credentialType: 'org.iso.18013.5.1.mDL',
        claims: [{ name: 'Birthdate', value: '1990-01-01' }],
        issuerDid: { id: randomUUID(), did: 'did:key:z6MkE2E', name: 'DMV' },
        recipient: { type: 'email', identifier: 'holder@example.com' },
      }),
    });
    expect(res.status).toBe(201);
    const { credentialId } = (await res.json()) as { credentialId: string };

    const history = gatewayClient(gateway.url, reader);
    const page = await expectEventually(
      async () => {
        // entityTypes: history also records the issuance session the issue opened (entity type ISSUANCE_SESSION)
        const { data, response } = await history.GET('/api/history/v1', {
          params: { query: { page: 0, pageSize: 10, entityId: credentialId, entityTypes: ['CREDENTIAL'] } },
        });
        expect(response.status).toBe(200);
        expect(data?.totalItems).toBe(3);
        return data!;
      },
      { timeoutMs: 30000 },
    );
    expect(page.values.map((v) => v.action)).toEqual(['OFFERED', 'PENDING', 'CREATED']);
    for (const v of page.values) {
      expect(v.entityId).toBe(credentialId);
      expect(v.entityType).toBe('CREDENTIAL');
      expect(v.organisationId).toBe(org);
    }
    const detail = await history.GET('/api/history/v1/{id}', { params: { path: { id: page.values[0].id } } });
    expect(detail.response.status).toBe(200);
    expect(detail.data).toMatchObject({ id: page.values[0].id, action: 'OFFERED', entityId: credentialId });

    // Another organisation's analyst sees nothing of it.
    const other = gatewayClient(gateway.url, await signDevToken({ secret: DEV_JWT_SECRET, org: newOrgId(), scope: 'history:read' }));
    const foreign = await other.GET('/api/history/v1', { params: { query: { page: 0, pageSize: 10, entityId: credentialId } } });
    expect(foreign.data?.totalItems).toBe(0);
    expect((await other.GET('/api/history/v1/{id}', { params: { path: { id: page.values[0].id } } })).response.status).toBe(404);
    // Without a token: the documented 401 error body.
    const anonymous = await gatewayClient(gateway.url).GET('/api/history/v1', { params: { query: { page: 0, pageSize: 10 } } });
    expect(anonymous.response.status).toBe(401);
    expect(anonymous.error).toMatchObject({ statusCode: 401, code: 'UNAUTHENTICATED' });
  });
});
