import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import type { EachBatchPayload } from 'kafkajs';
import { activeTraceparent, formatTraceparent, platformTracer, startTracing, withActiveSpan, type TracingHandle } from '@cep/platform';
import { traceBatch } from './batch-tracing';
import { traceOutboxEnqueue, traceOutboxPublish } from './outbox-tracing';

const TP1 = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const TP2 = '00-1af7651916cd43dd8448eb211c80319c-c7ad6b7169203331-00';

function payload(headers: (Record<string, Buffer | string> | undefined)[]): EachBatchPayload {
  const messages = headers.map((h, i) => ({ offset: String(10 + i), headers: h }));
  return {
    batch: {
      topic: 'cep.credentials.v1',
      partition: 2,
      messages,
      firstOffset: () => messages[0]?.offset ?? null,
      lastOffset: () => messages[messages.length - 1].offset,
    },
  } as unknown as EachBatchPayload;
}

const msg = { topic: 'cep.credentials.v1', key: 'k', value: '{}', headers: { ce_id: 'e1' } };

describe('tracing off', () => {
  it('batches, outbox inserts and sends run without spans or traceparents', async () => {
    const fn = jest.fn(async () => expect(trace.getActiveSpan()).toBeUndefined());
    await traceBatch('history', 'g', payload([{ traceparent: Buffer.from(TP1) }]), fn);
    expect(fn).toHaveBeenCalledTimes(1);
    await expect(traceOutboxEnqueue('issuer', [msg], async (tp) => tp)).resolves.toBeNull();
    await expect(traceOutboxPublish('issuer', [{ traceparent: TP1 }], async () => activeTraceparent())).resolves.toBeNull();
  });
});

describe('tracing on', () => {
  const exporter = new InMemorySpanExporter();
  let handle: TracingHandle;
  beforeAll(() => {
    handle = startTracing('unit', { exporter, env: {} })!;
  });
  afterEach(() => exporter.reset());
  afterAll(() => handle.shutdown());

  it('a batch is one CONSUMER span linked to each distinct producer span, active while it is applied', async () => {
    let active: string | null = null;
    await traceBatch('history', 'cep.history-projector', payload([{ traceparent: Buffer.from(TP1) }, { traceparent: TP1 }, undefined, { traceparent: Buffer.from(TP2) }, { traceparent: 'junk' }]), async () => {
      active = activeTraceparent();
    });
    const [span] = exporter.getFinishedSpans();
    expect(span.name).toBe('process cep.credentials.v1');
    expect(span.kind).toBe(SpanKind.CONSUMER);
    expect(span.links.map((l) => formatTraceparent(l.context))).toEqual([TP1, TP2]);
    expect(span.attributes).toMatchObject({
      'messaging.destination.partition.id': '2',
      'messaging.consumer.group.name': 'cep.history-projector',
      'messaging.batch.message_count': 5,
      'messaging.kafka.offset.first': '10',
      'messaging.kafka.offset.last': '14',
      'cep.projection': 'history',
    });
    expect(active).toBe(formatTraceparent(span.spanContext()));
  });

  it('a failed batch records the error and rethrows', async () => {
    await expect(traceBatch('history', 'g', payload([{ traceparent: TP1 }]), async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    const [span] = exporter.getFinishedSpans();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.events.map((e) => e.name)).toEqual(['exception']);
  });

  it('the outbox insert is a PRODUCER child of the active span and hands its traceparent to the rows; the relay send links to the rows', async () => {
    const request = platformTracer().startSpan('POST /v1/credentials');
    const stored = await withActiveSpan(request, () => traceOutboxEnqueue('issuer', [msg, { ...msg, topic: 'cep.sessions.v1' }], async (tp) => tp));
    request.end();
    const create = exporter.getFinishedSpans().find((s) => s.name === 'create outbox')!;
    expect(create.kind).toBe(SpanKind.PRODUCER);
    expect(create.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    expect(stored).toBe(formatTraceparent(create.spanContext()));
    await traceOutboxPublish('issuer', [{ traceparent: stored }, { traceparent: null }], async () => undefined);
    const publish = exporter.getFinishedSpans().find((s) => s.name === 'publish outbox issuer')!;
    expect(publish.parentSpanContext).toBeUndefined();
    expect(publish.links.map((l) => formatTraceparent(l.context))).toEqual([stored]);
  });
});
