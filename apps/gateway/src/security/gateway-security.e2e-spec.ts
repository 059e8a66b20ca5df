import { randomUUID } from 'crypto';
import type { DataSource } from 'typeorm';
import { activityProjection } from '@cep/activity';
import { signDevToken } from '@cep/auth';
import { eventLogProjection } from '@cep/event-log';
import { historyProjection } from '@cep/history';
import { DEV_JWT_SECRET } from '@cep/platform';
import { reportProjection } from '@cep/reports';
import { newOrgId, startApp, testDataSource, type AppHandle } from '@cep/testing';
import { SECURITY_ENDPOINTS, type SecurityEndpoint } from './security-endpoints';
import { orgEvents, projectEvents, type OrgFixture } from './security-fixtures';

/**
 * The security suite, table-driven over SECURITY_ENDPOINTS (one row per gateway endpoint): the gateway runs as a
 * real process on the run's database; two organisations' data is written by the projections' own code.
 */
const PORT = 4201;
const ISSUER = 'https://issuer.security.test/';
const AUDIENCE = 'cep-api';
const THROTTLE_LIMIT = 100;
const BODY_LIMIT = 16 * 1024;
const HOSTILE = ["' OR 1=1 --", '%', '_', '\\', "%' OR organisation_id <> '", '"; DROP TABLE history.entries; --'];
const ALL_READ_SCOPES = ['history:read', 'activity:read', 'reports:read', 'events:read'];

let gateway: AppHandle;
let ds: DataSource;
let A: OrgFixture;
let B: OrgFixture;

/** A token of `org`; each call has its own subject, so its own rate-limit budget. */
function token(org: string, scope: string, o: { secret?: string; audience?: string; expiresInSec?: number; issuer?: string } = {}) {
  return signDevToken({
    secret: o.secret ?? DEV_JWT_SECRET,
    org,
    scope,
    subject: `security-${randomUUID()}`,
    issuer: o.issuer ?? ISSUER,
    audience: o.audience ?? AUDIENCE,
    expiresInSec: o.expiresInSec,
  });
}

interface Answer {
  status: number;
  text: string;
  json: any;
  headers: Headers;
}

function queryString(params: Record<string, unknown>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    for (const x of Array.isArray(v) ? v : [v]) q.append(k, String(x));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Sends the row's request with the given params (query for GET, body for POST), path and token. */
async function call(
  ep: SecurityEndpoint,
  o: { bearer?: string; params?: Record<string, unknown>; path?: string; rawBody?: string; headers?: Record<string, string> },
): Promise<Answer> {
  const params = o.params ?? ep.params(A);
  const path = o.path ?? ep.path(A);
  const headers: Record<string, string> = { ...o.headers };
  if (o.bearer) headers.authorization = `Bearer ${o.bearer}`;
  let url = `${gateway.url}${path}`;
  let body: string | undefined = o.rawBody;
  if (ep.method === 'GET' && o.rawBody === undefined) url += queryString(params);
  else {
    headers['content-type'] = 'application/json';
    body ??= JSON.stringify(params);
  }
  const ac = new AbortController();
  const res = await fetch(url, { method: ep.method, headers, body, signal: ac.signal });
  if (ep.stream && res.status === 200) {
    ac.abort();
    return { status: res.status, text: '', json: undefined, headers: res.headers };
  }
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json, headers: res.headers };
}

/** Never another organisation's data; never a stack trace or SQL. */
function expectClean(a: Answer, foreign: OrgFixture = B): void {
  expect(a.text).not.toContain(foreign.org);
  expect(a.text).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)|QueryFailedError|SELECT |INSERT INTO|syntax error at/);
}

beforeAll(async () => {
  ds = await testDataSource();
  const now = new Date();
  const a = orgEvents(newOrgId(), now);
  const b = orgEvents(newOrgId(), now);
  A = a.fixture;
  B = b.fixture;
  const failures = await projectEvents(ds, [historyProjection, activityProjection, reportProjection, eventLogProjection], [...a.events, ...b.events]);
  if (Object.keys(failures).length) console.warn('projections that failed to seed (their rows fail the baseline):', failures);
  gateway = await startApp('gateway', {
    port: PORT,
    env: {
      AUTH_ISSUER: ISSUER,
      AUTH_AUDIENCE: AUDIENCE,
      THROTTLE_LIMIT: String(THROTTLE_LIMIT),
      THROTTLE_TTL_MS: '60000',
      HTTP_BODY_LIMIT_BYTES: String(BODY_LIMIT),
    },
  });
});

afterAll(async () => {
  await gateway?.kill('SIGTERM');
  await ds?.destroy();
});

describe.each(SECURITY_ENDPOINTS.map((ep) => [ep.name, ep] as const))('%s', (_name, ep) => {
  it("baseline: the caller's own organisation gets its own data, and only it", async () => {
    const a = await call(ep, { bearer: await token(A.org, ep.scope) });
    expect(a.status).toBe(200);
    if (ep.count) expect(ep.count(a.json)).toBeGreaterThan(0);
    else if (!ep.stream) expect(a.text).toContain(A.canary);
    expectClean(a);
  });

  it('401 without a token, with an expired token, a wrong signature, a wrong audience or issuer', async () => {
    const cases = [
      undefined,
      await token(A.org, ep.scope, { expiresInSec: -120 }),
      await token(A.org, ep.scope, { secret: `${DEV_JWT_SECRET}-not-the-key` }),
      await token(A.org, ep.scope, { audience: 'another-api' }),
      await token(A.org, ep.scope, { issuer: 'https://evil.test/' }),
    ];
    for (const bearer of cases) {
      const a = await call(ep, { bearer });
      expect(a.status).toBe(401);
      expect(a.json).toMatchObject({ statusCode: 401, code: 'UNAUTHENTICATED' });
      expect(a.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expectClean(a);
    }
  });

  it('403 with a valid token that lacks the scope', async () => {
    const a = await call(ep, { bearer: await token(A.org, [...ALL_READ_SCOPES.filter((s) => s !== ep.scope), 'events:write'].join(' ')) });
    expect(a.status).toBe(403);
    expect(a.json).toMatchObject({ code: 'INSUFFICIENT_SCOPE' });
    expectClean(a);
  });

  it("403 when the request names another organisation (organisationId, organization, org), never B's data", async () => {
    const bearer = await token(A.org, ep.scope);
    for (const field of ['organisationId', 'organization', 'organizationId', 'org']) {
      for (const value of [B.org, [A.org, B.org]]) {
        const a = await call(ep, { bearer, params: { ...ep.params(A), [field]: value } });
        expect([field, a.status]).toEqual([field, 403]);
        expect(a.json).toMatchObject({ code: 'FORBIDDEN_ORGANISATION' });
        expectClean(a);
      }
    }
  });

  if (ep.entityInPath) {
    it("404 for the id of another organisation's entity in the path", async () => {
      const a = await call(ep, { bearer: await token(A.org, ep.scope), path: ep.path(B) });
      expect([403, 404]).toContain(a.status);
      expectClean(a);
      const own = await call(ep, { bearer: await token(A.org, ep.scope) });
      expect(own.status).toBe(200);
      expect(own.text).toContain(A.canary);
    });

    it('400 or 404 (never 500) for hostile strings in the path id', async () => {
      const bearer = await token(A.org, ep.scope);
      for (const h of HOSTILE) {
        const path = ep.path(A).replace(A.historyIds[0], encodeURIComponent(h)).replace(A.activityIds[0], encodeURIComponent(h));
        const a = await call(ep, { bearer, path });
        expect([h, [400, 404].includes(a.status)]).toEqual([h, true]);
        expectClean(a);
      }
    });
  }

  if (ep.cursor) {
    it("a cursor minted for another organisation never returns that organisation's data", async () => {
      const c = ep.cursor!;
      const first = await call(ep, { bearer: await token(B.org, ep.scope), params: { ...ep.params(B), ...c.firstPage } });
      expect(first.status).toBe(200);
      const cursor = c.next(first.json);
      expect(typeof cursor).toBe('string');
      const a = await call(ep, { bearer: await token(A.org, ep.scope), params: { ...ep.params(A), ...c.firstPage, [c.name]: cursor } });
      expect([200, 400, 403, 404]).toContain(a.status);
      expectClean(a);
    });
  }

  if (ep.textParams.length) {
    it.each(ep.textParams.map((p) => [p.name, p] as const))('hostile strings in %s give normal answers, never B data', async (_p, p) => {
      const bearer = await token(A.org, ep.scope);
      for (const h of HOSTILE) {
        const a = await call(ep, { bearer, params: { ...ep.params(A), [p.name]: p.array ? [h] : h } });
        const ok = p.freeText ? [200] : [200, 400];
        expect([h, ok.includes(a.status)]).toEqual([h, true]);
        if (a.status === 400) expect(a.json).toMatchObject({ code: 'VALIDATION_ERROR', details: expect.any(Array) });
        if (a.status === 200 && ep.count) expect([h, ep.count(a.json)]).toEqual([h, 0]);
        expectClean(a);
        expectClean(a, { ...A, org: A.canary + '-claim' });
      }
    });
  }

  // Routes that take a body (a GET route has no POST operation to answer 413 on; the cap is the same middleware).
  if (ep.method === 'POST') {
    it(`413 with a clean JSON body for a body over the cap (${BODY_LIMIT} bytes)`, async () => {
      const big = JSON.stringify({ ...ep.params(A), pad: 'x'.repeat(BODY_LIMIT * 2) });
      const a = await call({ ...ep, stream: false }, { bearer: await token(A.org, ep.scope), rawBody: big });
      expect(a.status).toBe(413);
      expect(a.json).toEqual({
        statusCode: 413,
        code: 'PAYLOAD_TOO_LARGE',
        message: 'request body too large',
        details: [{ value: null, msg: expect.stringContaining(String(BODY_LIMIT)), param: 'body', location: 'body' }],
      });
    });
  }
});

describe('headers and errors', () => {
  const history = SECURITY_ENDPOINTS[0];

  it('sets helmet headers and no CORS headers when CORS_ORIGINS is unset', async () => {
    const a = await call(history, { bearer: await token(A.org, 'history:read'), headers: { origin: 'https://evil.example' } });
    expect(a.status).toBe(200);
    expect(a.headers.get('x-content-type-options')).toBe('nosniff');
    expect(a.headers.get('x-powered-by')).toBeNull();
    expect(a.headers.get('access-control-allow-origin')).toBeNull();
    const pre = await fetch(`${gateway.url}/api/history/v1`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    });
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers malformed JSON, unknown routes and validation errors with JSON bodies, no stack traces', async () => {
    const bearer = await token(A.org, ALL_READ_SCOPES.join(' '));
    const malformed = await call(SECURITY_ENDPOINTS.find((e) => e.method === 'POST')!, { bearer, rawBody: '{"limit": ' });
    expect(malformed.status).toBe(400);
    expect(malformed.json).toEqual({
      statusCode: 400,
      code: 'MALFORMED_JSON',
      message: 'request body is not valid JSON',
      details: [{ value: null, msg: 'body is not valid JSON', param: 'body', location: 'body' }],
    });
    const unknown = await fetch(`${gateway.url}/api/nothing-here`, { headers: { authorization: `Bearer ${bearer}` } });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
    const invalid = await call(history, { bearer, params: { pageSize: 100000, unknownParam: 'x' } });
    expect(invalid.status).toBe(400);
    expect(invalid.json).toMatchObject({ code: 'VALIDATION_ERROR', message: expect.any(String), details: expect.any(Array) });
    for (const x of [malformed, invalid]) expectClean(x);
  });

  it('keeps health and metrics public', async () => {
    expect((await fetch(`${gateway.url}/health/live`)).status).toBe(200);
    expect((await fetch(`${gateway.url}/metrics`)).status).toBe(200);
  });
});

// Last: floods exhaust budgets (the per-IP budget is shared by every request without a valid token).
describe('rate limiting', () => {
  const history = SECURITY_ENDPOINTS[0];

  it('a flood with one token gets 429 with Retry-After; another token of the same organisation is not affected', async () => {
    const bearer = await token(A.org, 'history:read');
    const statuses: number[] = [];
    let limited: Answer | undefined;
    for (let i = 0; i < THROTTLE_LIMIT + 20 && !limited; i++) {
      const a = await call(history, { bearer, params: { pageSize: 1 } });
      statuses.push(a.status);
      if (a.status === 429) limited = a;
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(THROTTLE_LIMIT);
    expect(limited).toBeDefined();
    expect(limited!.json).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED' });
    const retryAfter = Number(limited!.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await call(history, { bearer: await token(A.org, 'history:read') })).status).toBe(200);
  });

  it('the budget is the caller\'s (organisation + subject): a freshly minted token of the same caller is limited too', async () => {
    const subject = `security-${randomUUID()}`;
    const mint = () => signDevToken({ secret: DEV_JWT_SECRET, org: A.org, scope: 'history:read', subject, issuer: ISSUER, audience: AUDIENCE, expiresInSec: 3600 + Math.floor(Math.random() * 600) });
    let status = 0;
    for (let i = 0; i < THROTTLE_LIMIT + 20 && status !== 429; i++) status = (await call(history, { bearer: await mint(), params: { pageSize: 1 } })).status;
    expect(status).toBe(429);
    // another caller of the same organisation keeps its own budget
    expect((await call(history, { bearer: await token(A.org, 'history:read') })).status).toBe(200);
  });

  it('a flood without a valid token is limited per client IP', async () => {
    let status = 0;
    for (let i = 0; i < THROTTLE_LIMIT + 20 && status !== 429; i++) {
      status = (await call(history, { bearer: `x${i}.y.z` })).status;
    }
    expect(status).toBe(429);
  });
});
