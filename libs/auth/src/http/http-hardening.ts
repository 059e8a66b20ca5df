import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ThrottlerModule } from '@nestjs/throttler';
import helmet from 'helmet';
import { APP_CONFIG, rejectHostileBody, rejectHostileUrl, requireJsonBodies } from '@cep/platform';
import { SafeExceptionFilter, toErrorBody } from './safe-exception.filter';
import { TokenThrottlerGuard } from './token-throttler.guard';

interface ExpressResponse {
  headersSent: boolean;
  status(code: number): { json(body: unknown): void };
}

/** The settings the HTTP hardening reads (PlatformConfig plus the app's body limit). */
export interface HttpSecuritySettings {
  HTTP_BODY_LIMIT_BYTES: number;
  CORS_ORIGINS?: string;
  THROTTLE_LIMIT: number;
  THROTTLE_TTL_MS: number;
  HTTP_TRUST_PROXY_HOPS: number;
}

/**
 * Rate limiting per token (global guard). Imported next to the app's module by {@link secureRootModule};
 * needs APP_CONFIG and TokenVerifier from the app's global core module.
 */
@Module({})
export class HttpSecurityModule {
  static forRoot(opts: { exceptionFilter?: boolean } = {}): DynamicModule {
    return {
      module: HttpSecurityModule,
      imports: [
        ThrottlerModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (cfg: HttpSecuritySettings) => ({
            throttlers: [{ name: 'default', ttl: cfg.THROTTLE_TTL_MS, limit: Math.max(cfg.THROTTLE_LIMIT, 1) }],
            skipIf: () => cfg.THROTTLE_LIMIT === 0,
          }),
        }),
      ],
      providers: [
        { provide: APP_GUARD, useClass: TokenThrottlerGuard },
        ...(opts.exceptionFilter === false ? [] : [{ provide: APP_FILTER, useClass: SafeExceptionFilter }]),
      ],
    };
  }
}

/** A root module = the app's module + the HTTP security module (so the app's module stays testable alone). */
export function secureRootModule(appModule: Type<unknown>, opts: { exceptionFilter?: boolean } = {}): Type<unknown> {
  // The security module first: its guard (rate limit) then runs before the app's AuthGuard, so floods of
  // requests without a valid token are limited too (per client IP).
  @Module({ imports: [HttpSecurityModule.forRoot(opts), appModule] })
  class SecureRootModule {}
  return SecureRootModule;
}

/**
 * Express-level hardening shared by the gateway and the producers: proxy trust, helmet headers, CORS only for
 * the configured origins, hostile-input guards (URL strings, 415 for non-JSON bodies, JSON depth and strings),
 * JSON body parser with a size cap, and a JSON error for body-parser failures (413 too large, 400 malformed
 * JSON or compressed body, 415 unsupported encoding or charset) instead of Express's HTML page with a stack trace.
 */
export function applyHttpHardening(app: INestApplication, cfg: HttpSecuritySettings): void {
  const express = app as NestExpressApplication;
  express.set('trust proxy', cfg.HTTP_TRUST_PROXY_HOPS);
  express.disable('x-powered-by');
  express.use(helmet());
  const origins = (cfg.CORS_ORIGINS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (origins.length) {
    express.enableCors({
      origin: origins,
      methods: ['GET', 'POST'],
      allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id'],
      exposedHeaders: ['Retry-After', 'X-Request-Id'],
      maxAge: 600,
    });
  }
  // Hostile input is a 4xx at the edge, before any handler (docs/security.md, "Input limits and hostile input"):
  // URL with NUL / unpaired surrogates / bad percent-encoding → 400; a body that is not JSON → 415; the JSON
  // parser inflates gzip/deflate/br (a body not so encoded → 400 MALFORMED_BODY, see toErrorBody); then the
  // parsed body's depth and strings.
  express.use(rejectHostileUrl);
  express.use(requireJsonBodies);
  express.useBodyParser('json', { limit: cfg.HTTP_BODY_LIMIT_BYTES });
  express.use(rejectHostileBody);
  express.use((err: unknown, _req: unknown, res: ExpressResponse, next: (err?: unknown) => void) => {
    if (res.headersSent) return next(err);
    const body = toErrorBody(err);
    res.status(body.statusCode).json(body);
  });
}
