import { AsyncLocalStorage } from 'async_hooks';
import pino, { type DestinationStream, type Logger as PinoLogger } from 'pino';

/**
 * One JSON log line shape for every line of every app (the Nest framework, the HTTP access log, kafkajs and lib code):
 *
 *   {"level":"info","time":"2026-…Z","app":"gateway","logger":"http","trace_id":"…"|null,"span_id":"…"|null,
 *    "request_id":"…"|null,"msg":"…", …fields}
 *
 * pino writes every line to stdout. `trace_id`/`span_id` come from the active OpenTelemetry span (see
 * {@link setTraceContextProvider}), `request_id` from the HTTP request being served ({@link runWithRequestContext}).
 * Never log claim values or tokens: callers pass ids and counts only (well-known secret field names are redacted anyway).
 */
type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** The keys every line carries (null where there is no value), in this order after `level` and `time`. */
export const LOG_LINE_KEYS = ['level', 'time', 'app', 'logger', 'trace_id', 'span_id', 'request_id', 'msg'] as const;

export interface TraceIds {
  traceId: string;
  spanId: string;
}
export type TraceContextProvider = () => TraceIds | undefined;

/** The part of `@opentelemetry/api` read here (an optional dependency of this module). */
interface OtelApi {
  trace: { getActiveSpan(): { spanContext(): { traceId: string; spanId: string; traceFlags: number } } | undefined };
  isSpanContextValid(ctx: { traceId: string; spanId: string }): boolean;
}

/** The active OpenTelemetry span's ids through `@opentelemetry/api` when it is installed; none otherwise. */
function openTelemetryProvider(): TraceContextProvider {
  try {
    const api = require('@opentelemetry/api') as OtelApi;
    return () => {
      const ctx = api.trace.getActiveSpan()?.spanContext();
      return ctx && api.isSpanContextValid(ctx) ? { traceId: ctx.traceId, spanId: ctx.spanId } : undefined;
    };
  } catch {
    return () => undefined;
  }
}

let traceProvider: TraceContextProvider = openTelemetryProvider();

/** Replaces how `trace_id`/`span_id` are read (default: `trace.getActiveSpan()` of `@opentelemetry/api`). */
export function setTraceContextProvider(provider: TraceContextProvider): void {
  traceProvider = provider;
}

/** The active trace ids, if any (never throws: a broken provider must not break logging). */
export function currentTraceIds(): TraceIds | undefined {
  try {
    return traceProvider();
  } catch {
    return undefined;
  }
}

export interface RequestContext {
  requestId: string;
  /** The trace ids active when the request arrived (the server span), for lines written outside its context. */
  trace?: TraceIds;
}
const requestContext = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` (the rest of an HTTP request) with `ctx`: every line logged inside carries its `request_id`. */
export function runWithRequestContext<T>(ctx: RequestContext, fn: () => T): T {
  return requestContext.run(ctx, fn);
}

export function currentRequestContext(): RequestContext | undefined {
  return requestContext.getStore();
}

/** Defense in depth: fields with these names never reach the log (the rule is still: do not pass them). */
const REDACT = [
  'authorization',
  'password',
  'token',
  'accessToken',
  'secret',
  '*.authorization',
  '*.password',
  '*.token',
  '*.accessToken',
  '*.secret',
  'headers.cookie',
  '*.headers.cookie',
];

export interface LoggingOptions {
  /** `app` of every line (default `CEP_APP` or `cep`). */
  app?: string;
  /** Minimum level (default `LOG_LEVEL` or `info`). */
  level?: string;
  /** Where lines go (default stdout, synchronous so that nothing is lost on exit). */
  destination?: DestinationStream;
}

function createRoot(opts: LoggingOptions): PinoLogger {
  return pino(
    {
      level: opts.level ?? process.env.LOG_LEVEL ?? 'info',
      base: { app: opts.app ?? process.env.CEP_APP ?? 'cep' },
      messageKey: 'msg',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Fields of the call win over these (pino merges the call's object over the mixin's): the access log passes the
      // request's own ids explicitly because it is written when the response finishes.
      mixin: () => {
        const req = requestContext.getStore();
        const trace = currentTraceIds() ?? req?.trace;
        return { logger: 'app', trace_id: trace?.traceId ?? null, span_id: trace?.spanId ?? null, request_id: req?.requestId ?? null };
      },
      redact: { paths: REDACT, censor: '[redacted]' },
    },
    opts.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

let root: PinoLogger | undefined;
let warningsRouted = false;

/**
 * Node's process warnings (deprecations, MaxListenersExceeded) as log lines instead of Node's plain-text stderr print
 * (which is itself a 'warning' listener, replaced here).
 */
function routeProcessWarnings(): void {
  if (warningsRouted) return;
  warningsRouted = true;
  process.removeAllListeners('warning');
  process.on('warning', (w: Error & { code?: string }) => rootLogger().warn({ logger: 'node', name: w.name, code: w.code }, w.message));
}

/**
 * (Re)creates the process-wide pino logger; apps call it first thing in main() with their name. Writing to stdout
 * (no `destination`), Node's process warnings are routed into it as well.
 */
export function configureLogging(opts: LoggingOptions = {}): PinoLogger {
  root = createRoot(opts);
  if (!opts.destination) routeProcessWarnings();
  return root;
}

/** The process-wide pino logger (created with defaults on first use). Never bind `logger` or the id keys on children. */
export function rootLogger(): PinoLogger {
  return (root ??= createRoot({}));
}

/**
 * The logging facade of lib code: `new Logger('runner.history').info('msg', { topic })` writes one line through the
 * process-wide pino logger with `logger: "runner.history"`. `level` optionally raises the minimum for this logger.
 */
export class Logger {
  constructor(
    private readonly name: string,
    private readonly level?: Level,
  ) {}

  child(name: string): Logger {
    return new Logger(`${this.name}.${name}`, this.level);
  }

  debug(msg: string, fields?: Record<string, unknown>): void {
    this.write('debug', msg, fields);
  }
  info(msg: string, fields?: Record<string, unknown>): void {
    this.write('info', msg, fields);
  }
  warn(msg: string, fields?: Record<string, unknown>): void {
    this.write('warn', msg, fields);
  }
  error(msg: string, fields?: Record<string, unknown>): void {
    this.write('error', msg, fields);
  }

  private write(level: Level, msg: string, fields?: Record<string, unknown>): void {
    if (this.level && ORDER[level] < ORDER[this.level]) return;
    const log = rootLogger();
    if (!log.isLevelEnabled(level)) return;
    log[level]({ ...fields, logger: this.name }, msg);
  }
}

export function errorFields(err: unknown): Record<string, unknown> {
  const e = err as { message?: string; code?: string; name?: string };
  return { error: e?.message ?? String(err), code: e?.code, errorName: e?.name };
}
