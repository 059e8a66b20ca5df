import { randomUUID } from 'crypto';
import * as fs from 'fs';
import { signDevToken } from '@cep/auth';
import { DEV_JWT_SECRET, LOG_LINE_KEYS } from '@cep/platform';
import { expectEventually, newOrgId, startApp, type AppHandle } from '@cep/testing';

/**
 * Logs as an operator reads them, from the processes' own output: every line one JSON object with the same keys
 * (the gateway's own lines, Nest's, the access log; the issuer's kafkajs lines), one access line per request with
 * the route template and the status sent, the request id echoed and on the line, and no token or claim value anywhere.
 */
const PORT = 4251;
const ISSUER_PORT = 4252;
const ACTIVITY = '/v1/activity/credentials';
const CLAIM_VALUE = `claim-value-${randomUUID()}`;

type Line = Record<string, unknown>;

function parseLines(file: string): Line[] {
  const text = fs.readFileSync(file, 'utf8');
  return text
    .split('\n')
    .filter((l) => l.length)
    .map((l, i) => {
      try {
        return JSON.parse(l) as Line;
      } catch {
        throw new Error(`line ${i + 1} of ${file} is not JSON: ${l}`);
      }
    });
}

function expectOneShape(lines: Line[]): void {
  expect(lines.length).toBeGreaterThan(0);
  for (const l of lines) {
    expect(Object.keys(l)).toEqual(expect.arrayContaining([...LOG_LINE_KEYS]));
    expect(typeof l.time).toBe('string');
    expect(['debug', 'info', 'warn', 'error', 'fatal']).toContain(l.level);
  }
}

describe('logs: one JSON shape, request ids, access lines', () => {
  let gateway: AppHandle;
  const tokens: string[] = [];
  const token = async (scope: string) => {
    const t = await signDevToken({ secret: DEV_JWT_SECRET, org: newOrgId(), scope, subject: `logs-${randomUUID()}` });
    tokens.push(t);
    return t;
  };

  beforeAll(async () => {
    gateway = await startApp('gateway', { port: PORT });
  });
  afterAll(async () => {
    await gateway?.kill('SIGTERM');
  });

  it('writes the access line of 200, 401 and 404 answers with the route template, and echoes the request id', async () => {
    const call = async (path: string, requestId: string | undefined, bearer?: string) => {
      const headers: Record<string, string> = {};
      if (requestId !== undefined) headers['x-request-id'] = requestId;
      if (bearer) headers.authorization = `Bearer ${bearer}`;
      const res = await fetch(`${gateway.url}${path}`, { headers });
      await res.arrayBuffer();
      return { status: res.status, requestId: res.headers.get('x-request-id') };
    };
    const ids = { ok: `e2e-ok-${randomUUID()}`, unauth: `e2e-401-${randomUUID()}`, notFound: `e2e-404-${randomUUID()}`, noRoute: `e2e-nr-${randomUUID()}` };

    const ok = await call(`${ACTIVITY}?boostUri=${CLAIM_VALUE}`, ids.ok, await token('activity:read'));
    expect(ok).toEqual({ status: 200, requestId: ids.ok });
    expect(await call(ACTIVITY, ids.unauth)).toEqual({ status: 401, requestId: ids.unauth });
    expect(await call(`${ACTIVITY}/${randomUUID()}`, ids.notFound, await token('activity:read'))).toEqual({ status: 404, requestId: ids.notFound });
    expect(await call(`/no/such/${CLAIM_VALUE}?subject=${CLAIM_VALUE}`, ids.noRoute, await token('activity:read'))).toEqual({ status: 404, requestId: ids.noRoute });
    // An unusable client id (too long) is replaced by a generated one, which is echoed.
    const generated = await call(ACTIVITY, 'x'.repeat(200), await token('activity:read'));
    expect(generated.status).toBe(200);
    expect(generated.requestId).toMatch(/^[0-9a-f-]{36}$/);
    // No header: generated as well.
    const none = await call(ACTIVITY, undefined);
    expect(none.requestId).toMatch(/^[0-9a-f-]{36}$/);

    const access = (id: string | null) =>
      expectEventually(() => {
        const l = parseLines(gateway.logFile).filter((x) => x.logger === 'http' && x.request_id === id);
        expect(l).toHaveLength(1);
        return l[0];
      });
    expect(await access(ids.ok)).toMatchObject({ level: 'info', app: 'gateway', method: 'GET', route: ACTIVITY, status: 200, msg: 'request completed' });
    expect(await access(ids.unauth)).toMatchObject({ method: 'GET', route: ACTIVITY, status: 401 });
    expect(await access(ids.notFound)).toMatchObject({ method: 'GET', route: `${ACTIVITY}/:activityId`, status: 404 });
    expect(await access(ids.noRoute)).toMatchObject({ method: 'GET', route: 'unmatched', status: 404 });
    expect(await access(generated.requestId)).toMatchObject({ route: ACTIVITY, status: 200 });
    expect(typeof (await access(ids.ok)).duration_ms).toBe('number');

    await gateway.kill('SIGTERM');
    const lines = parseLines(gateway.logFile);
    expectOneShape(lines);
    expect(lines.some((l) => l.msg === 'gateway started')).toBe(true);
    const raw = fs.readFileSync(gateway.logFile, 'utf8');
    for (const t of tokens) {
      expect(raw).not.toContain(t);
      expect(raw).not.toContain(t.split('.')[2]); // not even the signature
    }
    expect(raw).not.toMatch(/bearer/i);
    expect(raw).not.toContain(CLAIM_VALUE);
    expect(raw).not.toContain('x'.repeat(65));
  });
});

it('routes kafkajs through the same logger: the issuer with an unreachable broker logs kafkajs lines in the one shape', async () => {
  const issuer = await startApp('issuer', { port: ISSUER_PORT, waitReady: false, env: { KAFKA_BROKERS: '127.0.0.1:1' } });
  try {
    await expectEventually(() => expect(fs.existsSync(issuer.logFile) && parseLines(issuer.logFile).some((l) => String(l.logger).startsWith('kafkajs'))).toBe(true), {
      timeoutMs: 60000,
      intervalMs: 500,
    });
  } finally {
    await issuer.kill('SIGTERM');
  }
  const lines = parseLines(issuer.logFile);
  expectOneShape(lines);
  const kafka = lines.filter((l) => String(l.logger).startsWith('kafkajs'));
  expect(kafka[0]).toMatchObject({ app: 'issuer' });
  expect(kafka[0]).not.toHaveProperty('timestamp');
  expect(kafka[0]).not.toHaveProperty('message');
});

it('puts the request span on the access line when tracing is on: trace_id of the caller\'s traceparent, span_id of the server span', async () => {
  // An OTLP endpoint nobody listens on: tracing is on, exports fail quietly.
  const gw = await startApp('gateway', { port: 4253, env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_BSP_SCHEDULE_DELAY: '60000' } });
  try {
    const traceId = randomUUID().replace(/-/g, '');
    const parentSpan = randomUUID().replace(/-/g, '').slice(0, 16);
    const requestId = `e2e-trace-${randomUUID()}`;
    const res = await fetch(`${gw.url}${ACTIVITY}`, { headers: { traceparent: `00-${traceId}-${parentSpan}-01`, 'x-request-id': requestId } });
    await res.arrayBuffer();
    expect(res.status).toBe(401);
    const line = await expectEventually(() => {
      const l = parseLines(gw.logFile).find((x) => x.logger === 'http' && x.request_id === requestId);
      expect(l).toBeDefined();
      return l as Line;
    });
    expect(line.trace_id).toBe(traceId);
    expect(line.span_id).toMatch(/^[0-9a-f]{16}$/);
    expect(line.span_id).not.toBe(parentSpan);
  } finally {
    await gw.kill('SIGTERM');
  }
  expectOneShape(parseLines(gw.logFile));
});
