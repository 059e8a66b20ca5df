import { EventEmitter } from 'events';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { httpTracingMiddleware } from './http-tracing';
import { activeTraceparent, formatTraceparent, linksFromTraceparents, parseTraceparent, traceparentOf, withActiveSpan } from './trace-context';
import { platformTracer, samplerFromEnv, startTracing, tracesUrl, tracingEnabled, tracingRequested, type TracingHandle } from './tracing';

const TP = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

class FakeRes extends EventEmitter {
  statusCode = 200;
  headersSent = false;
}

function fakeReq(path: string, headers: Record<string, string> = {}) {
  return Object.assign(new EventEmitter(), { method: 'GET', path, baseUrl: '', headers, route: undefined as { path?: string } | undefined });
}

describe('samplerFromEnv', () => {
  it('reads OTEL_TRACES_SAMPLER and its ratio, parent-based always-on by default', () => {
    expect(samplerFromEnv({}).toString()).toMatch(/ParentBased\{root=AlwaysOnSampler/);
    expect(samplerFromEnv({ OTEL_TRACES_SAMPLER: 'always_off' }).toString()).toBe('AlwaysOffSampler');
    expect(samplerFromEnv({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' }).toString()).toBe('TraceIdRatioBased{0.25}');
    expect(samplerFromEnv({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' }).toString()).toMatch(
      /ParentBased\{root=TraceIdRatioBased\{0.1\}/,
    );
  });

  it('fails fast on an unknown sampler or a ratio outside 0..1', () => {
    expect(() => samplerFromEnv({ OTEL_TRACES_SAMPLER: 'jaeger_remote' })).toThrow(/not supported/);
    expect(() => samplerFromEnv({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '1.5' })).toThrow(/between 0 and 1/);
    expect(() => samplerFromEnv({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: 'ten' })).toThrow(/between 0 and 1/);
  });
});

describe('tracesUrl', () => {
  it('appends /v1/traces to the base endpoint; the traces endpoint is used as is', () => {
    expect(tracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toBe('http://collector:4318/v1/traces');
    expect(tracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:4318/custom' })).toBe('http://b:4318/custom');
  });
});

describe('tracing off (no OTLP endpoint)', () => {
  it('registers nothing: no provider, no active span, no traceparent, requests pass untouched', () => {
    expect(tracingRequested({})).toBe(false);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' })).toBe(false);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' })).toBe(false);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe(true);
    expect(startTracing('test', { env: {} })).toBeUndefined();
    expect(tracingEnabled()).toBe(false);
    const span = platformTracer().startSpan('x');
    expect(span.isRecording()).toBe(false);
    expect(withActiveSpan(span, () => activeTraceparent())).toBeNull();
    const next = jest.fn();
    const res = new FakeRes();
    httpTracingMiddleware()(fakeReq('/v1/things', { traceparent: TP }), res, next);
    expect(next).toHaveBeenCalledTimes(1);
    expect(res.listenerCount('finish')).toBe(0);
  });
});

describe('OTLP exporter', () => {
  it('is registered from the environment; an unreachable collector never fails the shutdown', async () => {
    const handle = startTracing('unit', { env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1', OTEL_BSP_SCHEDULE_DELAY: '60000' } })!;
    expect(handle.serviceName).toBe('unit');
    expect(tracingEnabled()).toBe(true);
    platformTracer().startSpan('lost').end();
    await expect(handle.shutdown()).resolves.toBeUndefined();
    expect(tracingEnabled()).toBe(false);
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

  it('is idempotent: a second start returns the first handle', () => {
    expect(tracingEnabled()).toBe(true);
    expect(startTracing('other', { exporter: new InMemorySpanExporter() })).toBe(handle);
  });

  it('formats and parses traceparent; links skip malformed values and repeats', () => {
    const sc = parseTraceparent(TP)!;
    expect(sc).toMatchObject({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1, isRemote: true });
    expect(formatTraceparent(sc)).toBe(TP);
    expect(parseTraceparent('00-00000000000000000000000000000000-b7ad6b7169203331-01')).toBeUndefined();
    expect(parseTraceparent('garbage')).toBeUndefined();
    const other = '00-1af7651916cd43dd8448eb211c80319c-c7ad6b7169203331-00';
    const links = linksFromTraceparents([TP, null, 'garbage', TP, other, undefined]);
    expect(links.map((l) => formatTraceparent(l.context))).toEqual([TP, other]);
  });

  it('the active span gives the traceparent', () => {
    expect(activeTraceparent()).toBeNull();
    const span = platformTracer().startSpan('op');
    expect(withActiveSpan(span, () => activeTraceparent())).toBe(traceparentOf(span));
    expect(traceparentOf(span)).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    span.end();
  });

  it('HTTP: a SERVER span per request, child of the caller traceparent, active in the handler and in later stream listeners', async () => {
    const req = fakeReq('/v1/activity/credentials/42', { traceparent: TP });
    const res = new FakeRes();
    let inHandler: string | null = null;
    let inListener: string | null = null;
    httpTracingMiddleware()(req, res, () => {
      inHandler = activeTraceparent();
    });
    // A listener added later (body parser) from outside the request context still runs in it.
    context.with(context.active(), () => req.on('end', () => (inListener = activeTraceparent())));
    req.emit('end');
    req.route = { path: '/v1/activity/credentials/:activityId' };
    res.statusCode = 404;
    res.emit('finish');
    res.emit('close');
    const [span] = exporter.getFinishedSpans();
    expect(exporter.getFinishedSpans()).toHaveLength(1);
    expect(span.name).toBe('GET /v1/activity/credentials/:activityId');
    expect(span.kind).toBe(SpanKind.SERVER);
    expect(span.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(span.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(span.attributes).toMatchObject({ 'http.route': '/v1/activity/credentials/:activityId', 'http.response.status_code': 404, 'url.path': '/v1/activity/credentials/42' });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(inHandler).toBe(formatTraceparent(span.spanContext()));
    expect(inListener).toBe(formatTraceparent(span.spanContext()));
    expect(trace.getActiveSpan()).toBeUndefined();
  });

  it('HTTP: unrouted requests are named unmatched, 5xx is an error, a client gone before the answer is 499; /metrics and /health are not traced', () => {
    const run = (path: string, status: number, events: ('finish' | 'close')[]) => {
      const res = new FakeRes();
      httpTracingMiddleware()(fakeReq(path), res, () => undefined);
      res.statusCode = status;
      for (const e of events) res.emit(e);
    };
    run('/nope', 500, ['finish']);
    run('/v1/slow', 200, ['close']);
    run('/metrics', 200, ['finish']);
    run('/health/ready', 200, ['finish']);
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => [s.name, s.attributes['http.response.status_code'], s.status.code])).toEqual([
      ['GET unmatched', 500, SpanStatusCode.ERROR],
      ['GET unmatched', 499, SpanStatusCode.UNSET],
    ]);
    expect(spans[0].parentSpanContext).toBeUndefined();
  });
});
