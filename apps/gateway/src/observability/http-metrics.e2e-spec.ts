import { randomUUID } from 'crypto';
import { signDevToken } from '@cep/auth';
import { DEV_JWT_SECRET } from '@cep/platform';
import { expectEventually, newOrgId, startApp, type AppHandle } from '@cep/testing';

/**
 * The HTTP RED histogram records the status each client really got, for every kind of answer: handler 200,
 * exception-filter 400/404, guard 401/403/429 and body-parser 413 — the gateway as a real process; and the SSE
 * clients gauge follows the open streams.
 */
const PORT = 4241;
const BODY_LIMIT = 4096;
const ACTIVITY = '/v1/activity/credentials';
let gateway: AppHandle;

function token(scope: string, subject = `metrics-${randomUUID()}`, org = newOrgId()): Promise<string> {
  return signDevToken({ secret: DEV_JWT_SECRET, org, scope, subject });
}

async function get(path: string, bearer?: string): Promise<number> {
  const res = await fetch(`${gateway.url}${path}`, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });
  await res.arrayBuffer();
  return res.status;
}

/** `cep_http_request_duration_seconds_count` by `method route status`, from the gateway's own /metrics. */
async function counts(): Promise<Map<string, number>> {
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  const out = new Map<string, number>();
  for (const m of text.matchAll(/^cep_http_request_duration_seconds_count\{method="([^"]*)",route="([^"]*)",status="([^"]*)"\} (\d+)$/gm))
    out.set(`${m[1]} ${m[2]} ${m[3]}`, Number(m[4]));
  return out;
}

beforeAll(async () => {
  gateway = await startApp('gateway', {
    port: PORT,
    env: { THROTTLE_LIMIT: '3', THROTTLE_TTL_MS: '60000', HTTP_BODY_LIMIT_BYTES: String(BODY_LIMIT) },
  });
});

afterAll(async () => {
  await gateway?.kill('SIGTERM');
});

it('records 200, 400, 401, 403, 404, 413 and 429 with the status sent, by route template', async () => {
  const reader = await token('activity:read');
  expect(await get(ACTIVITY, reader)).toBe(200);
  expect(await get(`${ACTIVITY}?cursor=not-a-cursor`, await token('activity:read'))).toBe(400);
  expect(await get(`${ACTIVITY}/${randomUUID()}`, await token('activity:read'))).toBe(404);
  expect(await get(ACTIVITY)).toBe(401);
  expect(await get(ACTIVITY, await token('history:read'))).toBe(403);
  expect(await get(`/no/such/route/${randomUUID()}`, await token('activity:read'))).toBe(404);

  const big = await fetch(`${gateway.url}/v1/events/credential-reports`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await token('reports:read')}`, 'content-type': 'application/json' },
    body: JSON.stringify({ pad: 'x'.repeat(BODY_LIMIT * 2) }),
  });
  await big.arrayBuffer();
  expect(big.status).toBe(413);

  // One subject, limit 3 per window: the 4th is rejected by the throttler guard.
  const limited = await token('activity:read', `metrics-limited-${randomUUID()}`);
  const statuses: number[] = [];
  for (let i = 0; i < 4; i++) statuses.push(await get(`${ACTIVITY}/stats`, limited));
  expect(statuses).toEqual([200, 200, 200, 429]);

  const c = await counts();
  expect(c.get(`GET ${ACTIVITY} 200`)).toBe(1);
  expect(c.get(`GET ${ACTIVITY} 400`)).toBe(1);
  expect(c.get(`GET ${ACTIVITY}/:activityId 404`)).toBe(1);
  expect(c.get(`GET ${ACTIVITY} 401`)).toBe(1);
  expect(c.get(`GET ${ACTIVITY} 403`)).toBe(1);
  expect(c.get('GET unmatched 404')).toBe(1);
  expect(c.get('POST unmatched 413')).toBe(1);
  expect(c.get(`GET ${ACTIVITY}/stats 200`)).toBe(3);
  expect(c.get(`GET ${ACTIVITY}/stats 429`)).toBe(1);
  expect([...c.keys()].filter((k) => k.endsWith(' 500'))).toEqual([]);
  // /metrics and /health are not observed.
  expect([...c.keys()].filter((k) => /metrics|health/.test(k))).toEqual([]);
});

it('cep_event_stream_clients counts the open SSE streams of this process, down again when clients go', async () => {
  const gauge = async (): Promise<number> => {
    const m = /^cep_event_stream_clients (\S+)$/m.exec(await (await fetch(`${gateway.url}/metrics`)).text());
    expect(m).not.toBeNull();
    return Number(m![1]);
  };
  expect(await gauge()).toBe(0);
  const open = async (): Promise<AbortController> => {
    const ac = new AbortController();
    const res = await fetch(`${gateway.url}/v1/events/stream`, { headers: { authorization: `Bearer ${await token('events:read')}` }, signal: ac.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    return ac;
  };
  const first = await open();
  const second = await open();
  await expectEventually(async () => expect(await gauge()).toBe(2));
  first.abort();
  await expectEventually(async () => expect(await gauge()).toBe(1));
  second.abort();
  await expectEventually(async () => expect(await gauge()).toBe(0));
});
