import { randomUUID } from 'crypto';
import type { INestApplication, LoggerService } from '@nestjs/common';
import { Logger as NestPinoLogger, PinoLogger } from 'nestjs-pino';
import { pinoHttp } from 'pino-http';
import { currentRequestContext, currentTraceIds, rootLogger, runWithRequestContext } from '../logger';
import { routeLabel } from './http-metrics';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** A client's request id is kept when it is short and plain (letters, digits, `.`, `_`, `:`, `-`; at most 64). */
const SANE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

/** The request id of a request: the client's `X-Request-Id` when sane, a new UUID otherwise. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const v = Array.isArray(header) ? header[0] : header;
  return typeof v === 'string' && SANE_REQUEST_ID.test(v) ? v : randomUUID();
}

interface Req {
  method: string;
  path?: string;
  baseUrl?: string;
  route?: { path?: string };
  headers: Record<string, string | string[] | undefined>;
  id?: unknown;
}
interface Res {
  statusCode: number;
  headersSent: boolean;
  writableFinished?: boolean;
  setHeader(name: string, value: string): void;
}

const quiet = (req: Req) => {
  const p = req.path ?? '';
  return p === '/metrics' || p.startsWith('/health');
};

/**
 * The access line of a request: method, route template (never the URL: ids, query strings with claim values),
 * the status sent (499: the client left before any response), duration. Never headers, tokens or bodies.
 */
function accessFields(req: Req, res: Res, durationMs: number): Record<string, unknown> {
  const ctx = currentRequestContext();
  const trace = ctx?.trace ?? currentTraceIds();
  return {
    logger: 'http',
    request_id: typeof req.id === 'string' ? req.id : (ctx?.requestId ?? null),
    trace_id: trace?.traceId ?? null,
    span_id: trace?.spanId ?? null,
    method: req.method,
    route: routeLabel(req),
    status: !res.headersSent && !res.writableFinished ? 499 : res.statusCode,
    duration_ms: durationMs,
  };
}

/**
 * Express middleware: the request id (accepted from `X-Request-Id` or generated; echoed in the response header),
 * the request context that puts it on every line logged while the request is served, and one access line per
 * request when the response is finished (pino-http; info, error for 5xx, debug for /health and /metrics).
 */
export function requestLoggingMiddleware(): (req: Req, res: Res, next: () => void) => void {
  const access = pinoHttp({
    logger: rootLogger(),
    // No request/response objects on any line (headers carry tokens): the access line is built by accessFields.
    wrapSerializers: false,
    serializers: { req: () => undefined, res: () => undefined },
    customLogLevel: (req, res, err) => (quiet(req as unknown as Req) ? 'debug' : err || res.statusCode >= 500 ? 'error' : 'info'),
    customSuccessMessage: () => 'request completed',
    customErrorMessage: () => 'request failed',
    customSuccessObject: (req, res, val: { responseTime?: number }) => accessFields(req as unknown as Req, res as unknown as Res, val.responseTime ?? 0),
    customErrorObject: (req, res, err, val: { responseTime?: number }) => ({
      ...accessFields(req as unknown as Req, res as unknown as Res, val.responseTime ?? 0),
      error: err.message,
    }),
  });
  return (req, res, next) => {
    const requestId = requestIdFrom(req.headers['x-request-id']);
    req.id = requestId;
    res.setHeader(REQUEST_ID_HEADER, requestId);
    runWithRequestContext({ requestId, trace: currentTraceIds() }, () => access(req as never, res as never, next));
  };
}

/** Installs request ids + the access log on a Nest (Express) app; call it before anything that can answer. */
export function applyRequestLogging(app: INestApplication): void {
  app.use(requestLoggingMiddleware());
}

/** nestjs-pino's logger bound to the process-wide pino logger of the moment (not the first one it saw). */
class RootPinoLogger extends PinoLogger {
  override get logger() {
    return rootLogger();
  }
}

/** Nest's start-up chatter (`log`) is debug; warnings and errors (with the stack as `err`) keep their level. */
class NestLogger extends NestPinoLogger {
  override log(message: unknown, ...optionalParams: unknown[]): void {
    this.debug(message, ...optionalParams);
  }
}

/** The Nest framework's logger (`NestFactory.create(…, { logger: nestLogger() })`) writing the same lines (nestjs-pino). */
export function nestLogger(): LoggerService {
  const params = { pinoHttp: { logger: rootLogger() }, renameContext: 'logger' };
  return new NestLogger(new RootPinoLogger(params), params);
}
