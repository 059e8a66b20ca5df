import * as fs from 'fs';
import * as path from 'path';
import { signDevToken } from '@cep/auth';
import { DEV_JWT_SECRET } from '@cep/platform';
import {
  contractCheckedFetch,
  contractCheckStats,
  gatewayClient,
  newOrgId,
  OpenApiContractError,
  startApp,
  WORKSPACE_ROOT,
  type AppHandle,
} from '@cep/testing';

/**
 * The gateway's served OpenAPI document is the committed one (contracts/openapi/gateway.json, from which the typed
 * client's types are generated: a unit test checks that link), its interactive page is served, and the e2e tier's
 * fetch really validates responses against the served document.
 */
describe('gateway OpenAPI document (e2e)', () => {
  let gateway: AppHandle;

  beforeAll(async () => {
    gateway = await startApp('gateway', { port: 4070 });
  });

  afterAll(async () => {
    await gateway?.kill('SIGTERM');
  });

  it('GET /openapi.json serves the committed document (regenerate with npm run contracts:generate)', async () => {
    const r = await fetch(`${gateway.url}/openapi.json`);
    expect(r.status).toBe(200);
    const served = (await r.json()) as { openapi: string };
    const committed = JSON.parse(fs.readFileSync(path.join(WORKSPACE_ROOT, 'contracts', 'openapi', 'gateway.json'), 'utf8'));
    expect(served).toEqual(committed);
    expect(served.openapi).toBe('3.1.0');
  });

  it('GET /docs serves the interactive page', async () => {
    const r = await fetch(`${gateway.url}/docs`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/html');
  });

  it('every response of the e2e tier is checked against the served document: conforming ones pass, others throw', async () => {
    const reader = await signDevToken({ secret: DEV_JWT_SECRET, org: newOrgId(), scope: 'activity:read' });
    const before = contractCheckStats().checked;
    const stats = await gatewayClient(gateway.url, reader).GET('/v1/activity/credentials/stats', { params: { query: {} } });
    expect(stats.response.status).toBe(200);
    const missing = await gatewayClient(gateway.url, reader).GET('/v1/activity/credentials/{activityId}', {
      params: { path: { activityId: '0193a4f2-8c1e-7d3a-9b2f-5e6d7c8b9a01' } },
    });
    expect(missing.response.status).toBe(404);
    expect(contractCheckStats().checked).toBe(before + 2);

    // The same check over a fetch whose answers depart from the document: an undocumented status, a body that
    // does not match its schema.
    const real = globalThis.fetch;
    const lying = (status: number, body: unknown) =>
      contractCheckedFetch((async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
        if (String(input instanceof Request ? input.url : input).endsWith('/openapi.json')) return real(input, init);
        return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
      }) as typeof fetch);
    await expect(lying(418, {})(`${gateway.url}/v1/activity/credentials/stats`)).rejects.toThrow(OpenApiContractError);
    await expect(lying(401, { statusCode: 401, message: 'no code' })(`${gateway.url}/v1/activity/credentials/stats`)).rejects.toThrow(
      /must have required property 'code'/,
    );
  });
});
