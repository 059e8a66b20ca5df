import type { INestApplication } from '@nestjs/common';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { routeLabel } from '../nest/http-metrics';
import { platformTracer, tracingEnabled } from './tracing';

interface Req {
  method: string;
  baseUrl?: string;
  path?: string;
  route?: { path?: string };
  headers: Record<string, string | string[] | undefined>;
}
interface Res {
  statusCode: number;
  headersSent: boolean;
  once(event: 'finish' | 'close', fn: () => void): void;
}

/**
 * Express middleware: one SERVER span per request (`GET /v1/activity/credentials/:activityId`: the route template,
 * as in the HTTP metrics), child of the caller's `traceparent` header when there is one, active for the whole
 * request — guards, pipes, handlers, exception filters and listeners of the request and response streams (the
 * body parser's callbacks included), so logs and the outbox see it. Attributes: method, route, path, status; the
 * status is an error for 5xx. /metrics and /health are not traced. Does nothing while tracing is off.
 */
export function httpTracingMiddleware(): (req: Req, res: Res, next: () => void) => void {
  return (req, res, next) => {
    if (!tracingEnabled()) return next();
    const path = req.path ?? '';
    if (path === '/metrics' || path.startsWith('/health')) return next();
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const span = platformTracer().startSpan(
      req.method,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'url.path': path } },
      parent,
    );
    const ctx = trace.setSpan(parent, span);
    // Listeners added from here on (body parser, response hooks) run in the request's context.
    context.bind(ctx, req);
    context.bind(ctx, res);
    let ended = false;
    const end = (aborted: boolean): void => {
      if (ended) return;
      ended = true;
      const route = routeLabel(req);
      span.updateName(`${req.method} ${route}`);
      if (route !== 'unmatched') span.setAttribute('http.route', route);
      const status = aborted && !res.headersSent ? 499 : res.statusCode;
      span.setAttribute('http.response.status_code', status);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    };
    res.once('finish', () => end(false));
    res.once('close', () => end(true));
    context.with(ctx, next);
  };
}

/** Installs the request spans as an early middleware of a Nest (Express) app (right after the HTTP metrics). */
export function applyHttpTracing(app: INestApplication): void {
  app.use(httpTracingMiddleware());
}
