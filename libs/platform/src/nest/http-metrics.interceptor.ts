import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor, type Provider } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { Histogram, type Registry } from 'prom-client';
import { Observable } from 'rxjs';
import { METRICS_REGISTRY } from './tokens';

const histograms = new WeakMap<Registry, Histogram<'method' | 'route' | 'status'>>();

/** `cep_http_request_duration_seconds{method,route,status}` (one histogram per registry). */
export function httpLatencyHistogram(registry: Registry): Histogram<'method' | 'route' | 'status'> {
  let h = histograms.get(registry);
  if (!h) {
    h = new Histogram({
      name: 'cep_http_request_duration_seconds',
      help: 'HTTP request latency by route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
    histograms.set(registry, h);
  }
  return h;
}

/**
 * Observes every HTTP request handled by a controller, labelled with the route template (not the raw URL, so
 * ids never explode the label set). Errors are observed with the status their exception maps to.
 */
@Injectable()
export class HttpMetricsInterceptor implements NestInterceptor {
  private readonly histogram: Histogram<'method' | 'route' | 'status'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.histogram = httpLatencyHistogram(registry);
  }

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const req = ctx.switchToHttp().getRequest<{ method: string; route?: { path?: string }; url: string }>();
    const res = ctx.switchToHttp().getResponse<{ statusCode: number }>();
    const route = req.route?.path ?? 'unmatched';
    if (route === '/metrics' || route.startsWith('/health')) return next.handle();
    const end = this.histogram.startTimer({ method: req.method, route });
    return new Observable((sub) =>
      next.handle().subscribe({
        next: (v) => sub.next(v),
        error: (err: { getStatus?: () => number; status?: number }) => {
          end({ status: String(err?.getStatus?.() ?? err?.status ?? 500) });
          sub.error(err);
        },
        complete: () => {
          end({ status: String(res.statusCode) });
          sub.complete();
        },
      }),
    );
  }
}

/** Registers the interceptor globally: add to the providers of an app's core module. */
export const httpMetricsProvider: Provider = { provide: APP_INTERCEPTOR, useClass: HttpMetricsInterceptor };
