import { randomUUID } from 'crypto';
import type { DataSource } from 'typeorm';
import { signDevToken } from '@cep/auth';
import { DEV_JWT_SECRET } from '@cep/platform';
import { newOrgId, startApp, testDataSource, type AppHandle } from '@cep/testing';

/**
 * Producers: the organisation of every appended event comes from the token. A producer token of A cannot
 * append events for B: not by naming B in the body, not by acting on B's aggregate. The issuer runs as a real
 * process (bootstrapProducer: the same hardening as the gateway).
 */
const PORT = 4202;
const BODY_LIMIT = 8 * 1024;

let issuer: AppHandle;
let ds: DataSource;
const A = newOrgId();
const B = newOrgId();

const token = (org: string, scope = 'events:write', o: { expiresInSec?: number } = {}) =>
  signDevToken({ secret: DEV_JWT_SECRET, org, scope, subject: `producer-${randomUUID()}`, expiresInSec: o.expiresInSec });

const schemaBody = (extra: Record<string, unknown> = {}) => ({
  schemaId: randomUUID(),
  name: 'Security test schema',
  profile: 'mdoc',
  credentialType: 'org.iso.18013.5.1.mDL',
  claimNames: ['Family name'],
  ...extra,
});

async function post(path: string, bearer: string | undefined, body: unknown, raw?: string) {
  const res = await fetch(`${issuer.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: raw ?? JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, json: text ? JSON.parse(text) : undefined, headers: res.headers };
}

const eventsOf = (org: string): Promise<{ stream_id: string; organisation_id: string; envelope: { organisationid: string } }[]> =>
  ds.query(`SELECT stream_id, organisation_id, envelope FROM issuer.events WHERE organisation_id = $1 OR envelope->>'organisationid' = $1`, [org]);

beforeAll(async () => {
  ds = await testDataSource();
  issuer = await startApp('issuer', { port: PORT, env: { HTTP_BODY_LIMIT_BYTES: String(BODY_LIMIT) } });
});

afterAll(async () => {
  await issuer?.kill('SIGTERM');
  await ds?.destroy();
});

describe('producer (issuer) security', () => {
  it('401 without a valid token, 403 without events:write', async () => {
    expect((await post('/v1/credential-schemas', undefined, schemaBody())).status).toBe(401);
    expect((await post('/v1/credential-schemas', await token(A, 'events:write', { expiresInSec: -60 }), schemaBody())).status).toBe(401);
    const r = await post('/v1/credential-schemas', await token(A, 'history:read events:read'), schemaBody());
    expect(r.status).toBe(403);
    expect(r.json).toMatchObject({ code: 'INSUFFICIENT_SCOPE' });
  });

  it('403 for a body naming another organisation; 400 for any organisation field at all; nothing appended', async () => {
    const bearer = await token(A);
    for (const field of ['organisationId', 'organization', 'organisation', 'orgId']) {
      const r = await post('/v1/credential-schemas', bearer, schemaBody({ [field]: B }));
      expect([field, r.status, r.json.code]).toEqual([field, 403, 'FORBIDDEN_ORGANISATION']);
    }
    const own = await post('/v1/credential-schemas', bearer, schemaBody({ organisationId: A }));
    expect(own.status).toBe(400);
    expect(own.json).toMatchObject({ code: 'VALIDATION_ERROR', details: [expect.objectContaining({ param: 'organisationId', location: 'body' })] });
    expect(await eventsOf(B)).toHaveLength(0);
  });

  it("stamps the token's organisation on the appended events; B's token cannot act on A's aggregate", async () => {
    const body = schemaBody();
    const created = await post('/v1/credential-schemas', await token(A), body);
    expect(created.status).toBe(201);
    const mine = (await eventsOf(A)).filter((e) => e.stream_id === body.schemaId);
    expect(mine.length).toBeGreaterThan(0);
    for (const e of mine) {
      expect(e.organisation_id).toBe(A);
      expect(e.envelope.organisationid).toBe(A);
    }

    const foreign = await post(`/v1/credential-schemas/${body.schemaId}/share`, await token(B), {});
    expect([403, 404]).toContain(foreign.status);
    expect(foreign.text).not.toContain(A);
    expect((await eventsOf(A)).filter((e) => e.stream_id === body.schemaId)).toHaveLength(mine.length);
    expect(await eventsOf(B)).toHaveLength(0);
  });

  it('413 JSON for an oversized body, 400 JSON for malformed JSON, helmet headers, no stack traces', async () => {
    const big = await post('/v1/credential-schemas', await token(A), undefined, JSON.stringify(schemaBody({ pad: 'x'.repeat(BODY_LIMIT * 2) })));
    expect(big.status).toBe(413);
    expect(big.json).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE', message: 'request body too large', details: [{ param: 'body', location: 'body' }] });
    const bad = await post('/v1/credential-schemas', await token(A), undefined, '{"name": ');
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ code: 'MALFORMED_JSON' });
    expect(bad.headers.get('x-content-type-options')).toBe('nosniff');
    for (const r of [big, bad]) expect(r.text).not.toMatch(/\n\s+at |node_modules/);
  });
});
