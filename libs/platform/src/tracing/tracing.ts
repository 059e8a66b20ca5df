import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type Sampler,
  type SpanExporter,
} from '@opentelemetry/sdk-trace';

/**
 * OpenTelemetry tracing for every app, configured with the standard `OTEL_*` variables:
 *
 * | variable | effect |
 * |---|---|
 * | `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) | tracing on, spans exported over OTLP/HTTP (JSON) to `<endpoint>/v1/traces` |
 * | `OTEL_TRACES_SAMPLER` | `parentbased_always_on` (default), `parentbased_traceidratio`, `parentbased_always_off`, `always_on`, `always_off`, `traceidratio` |
 * | `OTEL_TRACES_SAMPLER_ARG` | the ratio of the `*traceidratio` samplers, 0..1 (default 1) |
 * | `OTEL_SERVICE_NAME` | `service.name` (default: the app's name) |
 * | `OTEL_BSP_SCHEDULE_DELAY` | ms between two exports of the batch span processor (default 5000) |
 * | `OTEL_SPAN_LINK_COUNT_LIMIT` | links kept per span (default 2000: a projector batch links to every message it applied) |
 * | `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none` | tracing off even with an endpoint |
 *
 * Without an endpoint nothing is registered: the API stays the no-op implementation (no context manager, no
 * span objects, no ids), so tracing costs nothing by default. The platform's own spans (HTTP server, outbox,
 * relay, projector batch) check {@link tracingEnabled} before doing any work.
 */
export interface TracingOptions {
  /** Export to this exporter instead of OTLP (tests: `InMemorySpanExporter`); spans are exported one by one. */
  exporter?: SpanExporter;
  /** Sampler instead of the one from the environment. */
  sampler?: Sampler;
  env?: NodeJS.ProcessEnv;
}

export interface TracingHandle {
  provider: TracerProvider;
  serviceName: string;
  /** Exports what is buffered. */
  flush(): Promise<void>;
  /** Flushes, then unregisters the provider, the context manager and the propagator (tests). */
  shutdown(): Promise<void>;
}

const TRACER_NAME = '@cep/platform';
let active: TracingHandle | undefined;

/** True once {@link startTracing} registered a provider in this process. */
export function tracingEnabled(): boolean {
  return active !== undefined;
}

/** The tracer of the platform's own spans (no-op while tracing is off). */
export function platformTracer(): Tracer {
  return trace.getTracer(TRACER_NAME);
}

/** Whether the environment asks for tracing (an OTLP endpoint, not disabled). */
export function tracingRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  if ((env.OTEL_SDK_DISABLED ?? '').toLowerCase() === 'true') return false;
  if ((env.OTEL_TRACES_EXPORTER ?? '').toLowerCase() === 'none') return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT);
}

/** The sampler named by `OTEL_TRACES_SAMPLER` / `OTEL_TRACES_SAMPLER_ARG`; throws on an unknown name or a bad ratio (fail fast). */
export function samplerFromEnv(env: NodeJS.ProcessEnv = process.env): Sampler {
  const name = (env.OTEL_TRACES_SAMPLER ?? 'parentbased_always_on').trim().toLowerCase();
  const ratio = (): number => {
    const raw = env.OTEL_TRACES_SAMPLER_ARG;
    if (raw === undefined || raw.trim() === '') return 1;
    const r = Number(raw);
    if (!Number.isFinite(r) || r < 0 || r > 1) throw new Error(`OTEL_TRACES_SAMPLER_ARG must be a ratio between 0 and 1, got ${raw}`);
    return r;
  };
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio());
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio()) });
    default:
      throw new Error(
        `OTEL_TRACES_SAMPLER=${name} is not supported (always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio)`,
      );
  }
}

/** `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` as is, else `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces` (the OTLP/HTTP rule). */
export function tracesUrl(env: NodeJS.ProcessEnv): string {
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  return `${(env.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://localhost:4318').replace(/\/+$/, '')}/v1/traces`;
}

function positiveInt(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got ${raw}`);
  return n;
}

/**
 * Starts tracing for this process when the environment asks for it (or `opts.exporter` is given) and returns the
 * handle; returns undefined, registering nothing, otherwise. Idempotent: a second call returns the first handle
 * (a test that registered an in-memory exporter keeps it when it starts an app's bootstrap in-process).
 * Call it first in main(), before the app is created.
 */
export function startTracing(serviceName: string, opts: TracingOptions = {}): TracingHandle | undefined {
  if (active) return active;
  const env = opts.env ?? process.env;
  if (!opts.exporter && !tracingRequested(env)) return undefined;
  const name = env.OTEL_SERVICE_NAME || serviceName;
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': name }),
    sampler: opts.sampler ?? samplerFromEnv(env),
    spanLimits: { linkCountLimit: positiveInt(env.OTEL_SPAN_LINK_COUNT_LIMIT, 2000, 'OTEL_SPAN_LINK_COUNT_LIMIT') },
    spanProcessors: [opts.exporter ? new SimpleSpanProcessor({ exporter: opts.exporter }) : new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: tracesUrl(env) }), scheduledDelayMillis: positiveInt(env.OTEL_BSP_SCHEDULE_DELAY, 5000, 'OTEL_BSP_SCHEDULE_DELAY') })],
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  const flushOnSignal = (): void => void provider.forceFlush().catch(() => undefined);
  if (!opts.exporter) {
    // Nest's shutdown hooks handle the signal; this only starts the export of what is buffered alongside.
    process.prependListener('SIGTERM', flushOnSignal);
    process.prependListener('SIGINT', flushOnSignal);
  }
  const handle: TracingHandle = {
    provider,
    serviceName: name,
    flush: () => provider.forceFlush().catch(() => undefined),
    async shutdown() {
      process.removeListener('SIGTERM', flushOnSignal);
      process.removeListener('SIGINT', flushOnSignal);
      // An unreachable collector loses the buffered spans, never fails the caller's shutdown.
      await provider.shutdown().catch(() => undefined);
      trace.disable();
      context.disable();
      propagation.disable();
      if (active === handle) active = undefined;
    },
  };
  active = handle;
  return handle;
}

/** The handle registered by {@link startTracing}, if any. */
export function activeTracing(): TracingHandle | undefined {
  return active;
}
