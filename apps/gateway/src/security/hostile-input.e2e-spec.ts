import { randomUUID } from 'crypto';
import type { DataSource } from 'typeorm';
import { gzipSync } from 'zlib';
import { signDevToken } from '@cep/auth';
import { DEV_JWT_SECRET, INPUT_LIMITS } from '@cep/platform';
import { newOrgId, startApp, testDataSource, type AppHandle } from '@cep/testing';
import { HOSTILE_ROUTES, routeRequest, type DateParamRow, type HostileApp, type HostileRoute } from './hostile-input-routes';

/**
 * Hostile input, table-driven over HOSTILE_ROUTES (every route of the gateway and of the three producers, each
 * app a real process on the run's database and broker): every hostile request is a 4xx in the documented error
 * shape naming the field, never a 500, and the caller's organisation has no event appended anywhere.
 */
const PORTS: Record<HostileApp, number> = { gateway: 4231, issuer: 4232, verifier: 4233, wallet: 4234 };
const ALL_SCOPES = 'history:read activity:read reports:read events:read events:write';
const ORG = newOrgId();
const DEPTH = INPUT_LIMITS.maxJsonDepth;

const DATES: Record<DateParamRow['format'], (string | number)[]> = {
  iso: ['0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '10000-01-01T00:00:00Z', '+010000-01-01T00:00:00Z'],
  day: ['0000-01-01', '9999-12-31', '10000-01-01'],
  ms: [-62167219200000, Date.UTC(9999, 11, 31, 23, 59, 59), 253402300800000],
};

let apps: Record<HostileApp, AppHandle>;
let ds: DataSource;
let bearer: string;

interface Answer {
  status: number;
  json: any;
  text: string;
}

/** Sends one request; a 200 event stream is closed at once (it would be a failure of the hostile case anyway). */
async function send(app: HostileApp, method: string, pathAndQuery: string, o: { body?: string | Uint8Array; headers?: Record<string, string>; token?: string | null } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...o.headers };
  if (o.token !== null) headers.authorization = `Bearer ${o.token ?? bearer}`;
  const ac = new AbortController();
  const res = await fetch(`${apps[app].url}${pathAndQuery}`, { method, headers, body: o.body, signal: ac.signal });
  if (/^text\/event-stream/.test(res.headers.get('content-type') ?? '')) {
    ac.abort();
    return { status: res.status, json: undefined, text: '' };
  }
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

const isBodyRoute = (r: HostileRoute) => !r.name.startsWith('GET ');

/** The row's request with `value` at `field` (a dotted path into the body; a query parameter for GET). */
function hostileRequest(r: HostileRoute, field: string, rawQueryValue: string, bodyValue: unknown): { path: string; body?: string } {
  const { path } = routeRequest(r, randomUUID());
  if (!isBodyRoute(r)) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(r.params())) q.append(k, String(v));
    const rest = q.toString();
    return { path: `${path}?${rest ? `${rest}&` : ''}${encodeURIComponent(field)}=${rawQueryValue}` };
  }
  const body = r.params();
  const keys = field.split('.');
  let o: any = body;
  for (const k of keys.slice(0, -1)) o = o[k] ??= /^\d+$/.test(k) ? [] : {};
  o[keys[keys.length - 1]] = bodyValue;
  return { path, body: JSON.stringify(body) };
}

/** The documented error shape, a 4xx, naming `param` (where given) and never a stack trace or SQL. */
function expectRefused(a: Answer, statuses: number[], param?: string | RegExp): void {
  expect(statuses).toContain(a.status);
  expect(a.json).toMatchObject({ statusCode: a.status, code: expect.any(String), message: expect.any(String), details: expect.any(Array) });
  if (param !== undefined) {
    const named = (a.json.details as { param: string }[]).map((d) => d.param);
    expect(named.some((p) => (typeof param === 'string' ? p === param : param.test(p)))).toBe(true);
  }
  expect(a.text).not.toMatch(/\n\s+at .+:\d+:\d+|QueryFailedError|SELECT |INSERT INTO/);
}

/** Events of the suite's organisation in every producer's event store: must stay 0. */
async function appended(): Promise<number> {
  let n = 0;
  for (const schema of ['issuer', 'verifier', 'wallet']) {
    const [{ c }] = await ds.query(`SELECT count(*)::int AS c FROM ${schema}.events WHERE organisation_id = $1`, [ORG]);
    n += c;
  }
  return n;
}

beforeAll(async () => {
  ds = await testDataSource();
  bearer = await signDevToken({ secret: DEV_JWT_SECRET, org: ORG, scope: ALL_SCOPES, subject: `hostile-${randomUUID()}` });
  const env = { THROTTLE_LIMIT: '0', HTTP_BODY_LIMIT_BYTES: String(64 * 1024) };
  const started = await Promise.all((Object.keys(PORTS) as HostileApp[]).map((app) => startApp(app, { port: PORTS[app], env })));
  apps = Object.fromEntries(started.map((h) => [h.name, h])) as Record<HostileApp, AppHandle>;
}, 180000);

afterAll(async () => {
  await Promise.all(Object.values(apps ?? {}).map((h) => h.kill('SIGTERM')));
  await ds?.destroy();
});

describe.each(HOSTILE_ROUTES.map((r) => [`${r.app} ${r.name}`, r] as const))('%s', (_name, r) => {
  it('is a real route: 401 without a token (not 404)', async () => {
    const { method, path } = routeRequest(r, randomUUID());
    const a = await send(r.app, method, path, { token: null });
    expect(a.status).toBe(401);
    expect(a.json).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  if (isBodyRoute(r)) {
    it('400 MALFORMED_BODY naming content-encoding when the body is not encoded as gzip / deflate / br says, or is garbage', async () => {
      const { method, path } = routeRequest(r, randomUUID());
      const json = Buffer.from(JSON.stringify(r.params()));
      const cases: [string, Uint8Array][] = [
        ['gzip', json],
        ['deflate', json],
        ['br', json],
        ['gzip', gzipSync(json).subarray(0, 12)],
        ['gzip', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x00, 0x01, 0x02, 0x03])],
        ['deflate', Buffer.from('x\u009c garbage garbage', 'latin1')],
      ];
      for (const [encoding, body] of cases) {
        const a = await send(r.app, method, path, { body, headers: { 'content-type': 'application/json', 'content-encoding': encoding } });
        expect([encoding, a.status]).toEqual([encoding, 400]);
        expectRefused(a, [400], 'content-encoding');
        expect(a.json.code).toBe('MALFORMED_BODY');
      }
      // a correctly encoded body is decoded: the validation pipe then names the probe field (a route without a
      // body answers for the unknown aggregate instead); nothing is appended either way
      const probe = Buffer.from(JSON.stringify({ ...r.params(), hostileProbe: 1 }));
      const ok = await send(r.app, method, path, { body: gzipSync(probe), headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } });
      expect(ok.status).toBeGreaterThanOrEqual(400);
      expect(ok.status).toBeLessThan(500);
      expect(ok.json.code).not.toBe('MALFORMED_BODY');
      if (ok.status === 400) expectRefused(ok, [400], 'hostileProbe');
    });

    it('415 naming content-type for a body that is not application/json', async () => {
      const { method, path } = routeRequest(r, randomUUID());
      const json = JSON.stringify(r.params());
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml', undefined]) {
        const a = await send(r.app, method, path, { body: type ? json : Buffer.from(json), headers: type ? { 'content-type': type } : {} });
        expect([type, a.status]).toEqual([type, 415]);
        expectRefused(a, [415], 'content-type');
      }
    });

    it(`400 naming the field for JSON nested deeper than ${DEPTH} levels`, async () => {
      const { method, path } = routeRequest(r, randomUUID());
      const field = Object.keys(r.params())[0] ?? 'reason';
      for (const depth of [DEPTH, 10_000]) {
        // built as text: JSON.stringify itself would overflow the stack on the deep one
        const deep = `${'{"a":['.repeat(depth / 2)}"x"${']}'.repeat(depth / 2)}`;
        const rest = JSON.stringify({ ...r.params(), [field]: 0 });
        const body = rest.replace(`"${field}":0`, `"${field}":${deep}`);
        const a = await send(r.app, method, path, { body, headers: { 'content-type': 'application/json' } });
        expectRefused(a, [400], field);
        expect(a.json.details[0].msg).toContain(`nested deeper than ${DEPTH}`);
      }
    });
  }

  if (r.strings.length) {
    it.each(r.strings)('400 naming %s for a NUL character or an unpaired surrogate', async (field) => {
      const { method } = routeRequest(r, randomUUID());
      for (const [raw, value] of [
        ['a%00b', 'a\u0000b'],
        ['a%ED%A0%80b', 'a\ud800b'],
        ['%EF%BF%BE%00', '\udc00z'],
      ]) {
        const req = hostileRequest(r, field, raw, value);
        const a = await send(r.app, method, req.path, { body: req.body, headers: req.body ? { 'content-type': 'application/json' } : {} });
        expect([field, raw, a.status]).toEqual([field, raw, 400]);
        expectRefused(a, [400], field);
      }
    });
  }

  if (r.name.includes('{')) {
    it('400 for a NUL character or malformed UTF-8 in the path id', async () => {
      for (const id of ['a%00b', '%ED%A0%80', '%C0%AF', '%FF']) {
        const { method, path } = routeRequest(r, id);
        const a = await send(r.app, method, path, isBodyRoute(r) ? { body: JSON.stringify(r.params()), headers: { 'content-type': 'application/json' } } : {});
        expect([id, a.status]).toEqual([id, 400]);
        expectRefused(a, [400], /^(path|id)$/);
      }
    });
  }

  for (const d of r.dates ?? []) {
    it(`400 naming ${d.name} for dates out of range (year 0, 9999-12-31T23:59:59Z, year 10000)`, async () => {
      const { method } = routeRequest(r, randomUUID());
      for (const value of DATES[d.format]) {
        const req = hostileRequest(r, d.name, encodeURIComponent(String(value)), value);
        const a = await send(r.app, method, req.path, { body: req.body, headers: req.body ? { 'content-type': 'application/json' } : {} });
        expect([d.name, value, a.status]).toEqual([d.name, value, 400]);
        expectRefused(a, [400], d.name);
      }
    });
  }

  it('appended nothing for the organisation', async () => {
    expect(await appended()).toBe(0);
  });
});

describe('tokens', () => {
  it('a token whose org is not a UUID is a 401 on every app', async () => {
    for (const org of ['acme', 'org-1', `${ORG}-x`]) {
      const token = await signDevToken({ secret: DEV_JWT_SECRET, org, scope: ALL_SCOPES, subject: 'not-a-tenant' });
      for (const r of [HOSTILE_ROUTES.find((x) => x.app === 'gateway')!, ...(['issuer', 'verifier', 'wallet'] as const).map((app) => HOSTILE_ROUTES.find((x) => x.app === app && x.name.startsWith('POST'))!)]) {
        const { method, path } = routeRequest(r, randomUUID());
        const a = await send(r.app, method, path, { token, ...(isBodyRoute(r) ? { body: JSON.stringify(r.params()), headers: { 'content-type': 'application/json' } } : {}) });
        expect([r.app, org, a.status]).toEqual([r.app, org, 401]);
        expect(a.json).toMatchObject({ code: 'UNAUTHENTICATED' });
      }
    }
    expect(await appended()).toBe(0);
  });
});

describe('producer error bodies', () => {
  it('always carry a code: unknown route, unknown aggregate, validation, auth', async () => {
    for (const app of ['issuer', 'verifier', 'wallet'] as const) {
      const unknown = await send(app, 'POST', '/v1/nothing-here', { body: '{}', headers: { 'content-type': 'application/json' } });
      expect(unknown.status).toBe(404);
      expect(unknown.json).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
    }
    const invalid = await send('issuer', 'POST', '/v1/credential-schemas', { body: JSON.stringify({ name: 5 }), headers: { 'content-type': 'application/json' } });
    expect(invalid.status).toBe(400);
    expect(invalid.json).toMatchObject({ code: 'VALIDATION_ERROR', details: expect.any(Array) });
    const missing = await send('issuer', 'POST', `/v1/credentials/${randomUUID()}/revoke`, { body: '{}', headers: { 'content-type': 'application/json' } });
    expect(missing.json.code).toEqual(expect.any(String));
    expect(await appended()).toBe(0);
  });
});
