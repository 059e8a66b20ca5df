import { randomUUID } from 'crypto';
import { createServer } from 'net';
import type { INestApplication } from '@nestjs/common';
import { SpanKind } from '@opentelemetry/api';
import { AlwaysOnSampler, InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import type { DataSource } from 'typeorm';
import { signDevToken } from '@cep/auth';
import { TOPICS } from '@cep/contracts';
import { bootstrapProducer } from '@cep/event-store';
import { historyProjection } from '@cep/history';
import { skipHistoryBacklog } from '@cep/history/testing';
import { BatchProjectionRunner } from '@cep/messaging';
import { DEV_JWT_SECRET, formatTraceparent, startTracing, type TracingHandle } from '@cep/platform';
import { expectEventually, newOrgId, testDataSource, testKafka, uniqueName } from '@cep/testing';
import { IssuerModule } from '../issuer.module';

/**
 * One trace across Kafka, in one process with an in-memory exporter: `POST /v1/credentials` on the issuer (the real
 * bootstrap: HTTP span → command → outbox insert span, whose traceparent the row keeps) → the outbox relay (publish
 * span, `traceparent` Kafka header) → the history projector's batch span, which links to the issuer's span.
 */
const CLIENT_TRACE_ID = randomUUID().replace(/-/g, '');
const CLIENT_TRACEPARENT = `00-${CLIENT_TRACE_ID}-${randomUUID().replace(/-/g, '').slice(0, 16)}-01`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe('tracing: POST /v1/credentials → outbox → Kafka → history projector batch', () => {
  const exporter = new InMemorySpanExporter();
  const kafka = testKafka('trace-int');
  let tracing: TracingHandle;
  let ds: DataSource;
  let issuer: INestApplication;
  let runner: BatchProjectionRunner;
  let url: string;

  beforeAll(async () => {
    tracing = startTracing('trace-int', { exporter, sampler: new AlwaysOnSampler() })!;
    ds = await testDataSource();
    await skipHistoryBacklog(ds, kafka);
    runner = new BatchProjectionRunner(kafka, ds, historyProjection, { groupId: uniqueName('trace-int-history'), lagPollMs: 0 });
    await runner.start();
    const port = await freePort();
    process.env.PORT = String(port);
    process.env.WALLET_POLICY_GROUP_ID = uniqueName('trace-int-policy');
    issuer = await bootstrapProducer(IssuerModule, 'issuer', { title: 'issuer', description: 'trace test' });
    url = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await issuer?.close();
    await runner?.stop();
    await ds?.destroy();
    await tracing?.shutdown();
  });

  async function post(org: string, path: string, body: unknown, headers: Record<string, string> = {}) {
    const token = await signDevToken({ secret: DEV_JWT_SECRET, org, scope: 'events:write', subject: 'trace-test' });
    const r = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    const json = (await r.json()) as any;
    expect(r.status).toBe(201);
    return json;
  }

  const spans = (): ReadableSpan[] => exporter.getFinishedSpans();
  const linkTo = (s: ReadableSpan, target: ReadableSpan) =>
    s.links.some((l) => l.context.traceId === target.spanContext().traceId && l.context.spanId === target.spanContext().spanId);

  it('the batch span that applied the credential links to the issuer span that wrote it, in the caller trace', async () => {
    const org = newOrgId();
    const schema = await post(org, '/v1/credential-schemas', { name: 'Badge', profile: 'jwt-vc', credentialType: 'VerifiedEmployee', claimNames: ['name'] });
    const issued = await post(
      org,
      '/v1/credentials',
      {
        schemaId: schema.id,
        profile: 'jwt-vc',
        credentialType: 'VerifiedEmployee',
        claims: [{ name: 'name', value: 'Ada' }],
        issuerDid: { id: randomUUID(), did: 'did:key:z6MkTraceIssuer', name: 'HR' },
        recipient: { type: 'profile', identifier: 'profile-trace' },
      },
      { traceparent: CLIENT_TRACEPARENT },
    );

    // HTTP span: child of the caller's traceparent, named by the route template.
    const http = spans().find((s) => s.name === 'POST /v1/credentials' && s.spanContext().traceId === CLIENT_TRACE_ID);
    expect(http).toBeDefined();
    expect(http!.kind).toBe(SpanKind.SERVER);
    expect(http!.parentSpanContext?.spanId).toBe(CLIENT_TRACEPARENT.split('-')[2]);
    expect(http!.attributes['http.response.status_code']).toBe(201);

    // Outbox insert span: child of the HTTP span; each row of the command keeps its traceparent.
    // (one span per command: its events go to the credentials and sessions topics, so it is named `create outbox`)
    const create = spans().find((s) => s.kind === SpanKind.PRODUCER && s.name.startsWith('create ') && s.parentSpanContext?.spanId === http!.spanContext().spanId);
    expect(create).toBeDefined();
    expect(String(create!.attributes['messaging.destination.name']).split(',')).toContain(TOPICS.credentials);
    expect(create!.spanContext().traceId).toBe(CLIENT_TRACE_ID);
    const rows: { traceparent: string | null }[] = await ds.query(
      `SELECT o.traceparent FROM issuer.outbox o JOIN issuer.events e ON e.event_id = o.event_id WHERE e.envelope->>'subject' = $1`,
      [issued.credentialId],
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.traceparent).toBe(formatTraceparent(create!.spanContext()));

    // Relay: a publish span linking to the insert span.
    const publish = await expectEventually(() => {
      const p = spans().find((s) => s.name === 'publish outbox issuer' && linkTo(s, create!));
      expect(p).toBeDefined();
      return p!;
    });
    expect(publish.kind).toBe(SpanKind.PRODUCER);

    // Projector: the history batch that applied the events links to the issuer's span (same trace id).
    const batch = await expectEventually(
      () => {
        const b = spans().find((s) => s.kind === SpanKind.CONSUMER && s.attributes['cep.projection'] === 'history' && linkTo(s, create!));
        expect(b).toBeDefined();
        return b!;
      },
      { timeoutMs: 60000 },
    );
    expect(batch.name).toBe(`process ${batch.attributes['messaging.destination.name']}`);
    expect(batch.links.find((l) => l.context.spanId === create!.spanContext().spanId)!.context.traceId).toBe(CLIENT_TRACE_ID);
    expect(batch.endTime[0]).toBeGreaterThan(0);
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM history.entries WHERE organisation_id = $1`, [org]);
    expect(n).toBeGreaterThan(0);
  });
});
