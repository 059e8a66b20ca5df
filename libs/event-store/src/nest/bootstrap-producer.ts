import 'reflect-metadata';
import type { Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { applyHttpHardening, secureRootModule } from '@cep/auth';
import { APP_CONFIG, applyHttpMetrics, applyRequestLogging, configureLogging, Logger, nestLogger, PlatformValidationPipe, errorFields, openApiEnabled, setupOpenApi, type OpenApiInfo } from '@cep/platform';
import { applyHttpTracing, startTracing } from '@cep/platform';
import { DomainErrorFilter } from './domain-error.filter';
import type { ProducerConfig } from './producer.config';

/** Scopes of the producer APIs. */
const PRODUCER_SCOPES = { 'events:write': 'run commands (each appends events that are published to Kafka)' };

/** main() of a producer app; `api` titles its OpenAPI document (served at /openapi.json and /docs when OPENAPI_ENABLED). */
export async function bootstrapProducer(module: Type<unknown>, name: string, api: Pick<OpenApiInfo, 'title' | 'description'>): Promise<NestExpressApplication> {
  process.env.TZ = 'UTC';
  // OpenTelemetry when OTEL_EXPORTER_OTLP_ENDPOINT is set (nothing registered otherwise). See docs/operations.md.
  startTracing(name);
  configureLogging({ app: name });
  const log = new Logger(name);
  try {
    // Security: rate limiting per token (429 + Retry-After); DomainErrorFilter below stays the error filter.
    const root = secureRootModule(module, { exceptionFilter: false });
    const app = await NestFactory.create<NestExpressApplication>(root, { logger: nestLogger(), bodyParser: false });
    const cfg = app.get<ProducerConfig>(APP_CONFIG);
    // Security: helmet, CORS only for CORS_ORIGINS, JSON body cap (413 JSON), no HTML error pages.
    // HTTP RED metrics first, so every response (guards, filters, body-parser rejections) is observed.
    applyHttpMetrics(app);
    // A span per request (child of the caller's traceparent), active through guards, handlers and the outbox insert.
    applyHttpTracing(app);
    // Request id (X-Request-Id in and out) on every line of the request, one access line per request.
    applyRequestLogging(app);
    applyHttpHardening(app, cfg);
    app.useGlobalPipes(new PlatformValidationPipe());
    app.useGlobalFilters(new DomainErrorFilter());
    if (openApiEnabled(cfg)) setupOpenApi(app, { ...api, version: '1.0.0', scopes: PRODUCER_SCOPES });
    app.enableShutdownHooks();
    await app.listen(cfg.PORT, '0.0.0.0');
    log.info('producer started', { port: cfg.PORT });
    return app;
  } catch (err) {
    log.error('producer failed to start', errorFields(err));
    process.exit(1);
  }
}
