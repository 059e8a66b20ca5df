import type { INestApplication } from '@nestjs/common';
import { Histogram, type Registry } from 'prom-client';
import { METRICS_REGISTRY } from './tokens';

type Labels = 'method' | 'route' | 'status';
const histograms = new WeakMap<Registry, Histogram<Labels>>();

/** `cep_http_request_duration_seconds{method,route,status}` (one histogram per registry). */
export function httpLatencyHistogram(registry: Registry): Histogram<Labels> {
  let h = histograms.get(registry);
  if (!h) {
    h = new Histogram({
      name: 'cep_http_request_duration_seconds',
      help: 'HTTP request latency by route template and the status actually sent',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
    histograms.set(registry, h);
  }
  return h;
}

interface Req {
  method: string;
  baseUrl?: string;
  path?: string;
  route?: { path?: string };
}
interface Res {
  statusCode: number;
  headersSent: boolean;
  once(event: 'finish' | 'close', fn: () => void): void;
}

/** Route template of a request once it has been routed; `unmatched` for requests answered before or without a route. */
export function routeLabel(req: Req): string {
  const p = req.route?.path;
  return typeof p === 'string' ? `${req.baseUrl ?? ''}${p}` : 'unmatched';
}

/**
 * Express middleware observing every response at the HTTP layer, after it is sent, with the status the client got:
 * guard rejections (401/403/429), exception-filter answers (400/404/409/...), body-parser rejections (413, 400, 415)
 * and 5xx alike. The label is the route template (ids never explode the label set); requests rejected before
 * routing (unknown path, body too large, malformed body) carry `route="unmatched"`. /metrics and /health are not
 * observed. A client that disconnects before any response was sent is recorded as `499`; one that
 * closes a started response (an SSE stream) with the status that was sent.
 */
export function httpMetricsMiddleware(registry: Registry): (req: Req, res: Res, next: () => void) => void {
  const histogram = httpLatencyHistogram(registry);
  return (req, res, next) => {
    const path = req.path ?? '';
    if (path === '/metrics' || path.startsWith('/health')) return next();
    const end = histogram.startTimer();
    let done = false;
    const observe = (aborted: boolean) => {
      if (done) return;
      done = true;
      end({ method: req.method, route: routeLabel(req), status: aborted && !res.headersSent ? '499' : String(res.statusCode) });
    };
    res.once('finish', () => observe(false));
    res.once('close', () => observe(true));
    next();
  };
}

/** Installs the HTTP metrics as the first middleware of a Nest (Express) app, so nothing answers around it. */
export function applyHttpMetrics(app: INestApplication): void {
  app.use(httpMetricsMiddleware(app.get<Registry>(METRICS_REGISTRY)));
}
