import { randomUUID } from 'crypto';
import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';
import { signDevToken } from '@cep/auth';
import { DEV_JWT_SECRET } from '@cep/platform';
import { expectEventually, newOrgId, startApp, type AppHandle } from '@cep/testing';

/**
 * The gateway as a real process with `OTEL_EXPORTER_OTLP_ENDPOINT` set exports its request spans over OTLP/HTTP
 * (JSON) to that endpoint: here a small HTTP server standing in for the collector. The span is named by the route
 * template, is the child of the caller's `traceparent` and carries the status sent.
 */
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes?: { key: string; value: { intValue?: string | number; stringValue?: string } }[];
}

const hex = (id: string): string => (/^[0-9a-f]+$/.test(id) ? id : Buffer.from(id, 'base64').toString('hex'));
const traceId = randomUUID().replace(/-/g, '');
const parentId = randomUUID().replace(/-/g, '').slice(0, 16);

let collector: Server;
let gateway: AppHandle;
const received: { service: string; span: OtlpSpan }[] = [];
const paths: string[] = [];

function listen(server: Server, port = 0): Promise<number> {
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

beforeAll(async () => {
  collector = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      paths.push(req.url ?? '');
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      for (const rs of body.resourceSpans ?? []) {
        const service = rs.resource?.attributes?.find((a: { key: string }) => a.key === 'service.name')?.value?.stringValue;
        for (const ss of rs.scopeSpans ?? []) for (const span of ss.spans ?? []) received.push({ service, span });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  const collectorPort = await listen(collector);
  const probe = createServer();
  const port = await listen(probe);
  await new Promise((r) => probe.close(r));
  gateway = await startApp('gateway', {
    port,
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collectorPort}`, OTEL_BSP_SCHEDULE_DELAY: '200', OTEL_TRACES_SAMPLER: 'parentbased_always_on' },
  });
});

afterAll(async () => {
  await gateway?.kill('SIGTERM');
  await new Promise((r) => collector?.close(r));
});

it('exports the request span over OTLP: route template, caller trace, status', async () => {
  const token = await signDevToken({ secret: DEV_JWT_SECRET, org: newOrgId(), scope: 'activity:read', subject: `otlp-${randomUUID()}` });
  const res = await fetch(`${gateway.url}/v1/activity/credentials/${randomUUID()}`, {
    headers: { authorization: `Bearer ${token}`, traceparent: `00-${traceId}-${parentId}-01` },
  });
  await res.arrayBuffer();
  expect(res.status).toBe(404);
  const got = await expectEventually(
    () => {
      const s = received.find((r) => hex(r.span.traceId) === traceId);
      expect(s).toBeDefined();
      return s!;
    },
    { timeoutMs: 20000 },
  );
  expect(paths).toContain('/v1/traces');
  expect(got.service).toBe('gateway');
  expect(got.span.name).toBe('GET /v1/activity/credentials/:activityId');
  expect(hex(got.span.parentSpanId ?? '')).toBe(parentId);
  const status = got.span.attributes?.find((a) => a.key === 'http.response.status_code')?.value.intValue;
  expect(Number(status)).toBe(404);
  // /health and /metrics are never traced.
  expect(received.filter((r) => /health|metrics/.test(r.span.name))).toEqual([]);
});
