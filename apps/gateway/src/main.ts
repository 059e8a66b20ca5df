import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { applyHttpHardening, secureRootModule } from '@cep/auth';
import { APP_CONFIG, applyHttpMetrics, applyRequestLogging, configureLogging, Logger, nestLogger, PlatformValidationPipe, errorFields, openApiEnabled, setupOpenApi } from '@cep/platform';
import { applyHttpTracing, startTracing } from '@cep/platform';
import type { GatewayConfig } from './gateway.config';
import { GatewayExceptionFilter } from './common/read-model-error.filter';
import { applyConsole } from './console/console-static';
import { GatewayModule } from './gateway.module';
import { GATEWAY_API_INFO } from './gateway.openapi';

async function main(): Promise<void> {
  process.env.TZ = 'UTC';
  // OpenTelemetry when OTEL_EXPORTER_OTLP_ENDPOINT is set (nothing registered otherwise). See docs/operations.md.
  startTracing('gateway');
  configureLogging({ app: 'gateway' });
  const log = new Logger('gateway');
  try {
    // GatewayModule + rate limiting per token (429 + Retry-After); GatewayExceptionFilter below is the one error filter.
    const app = await NestFactory.create<NestExpressApplication>(secureRootModule(GatewayModule, { exceptionFilter: false }), { logger: nestLogger(), bodyParser: false });
    const cfg = app.get<GatewayConfig>(APP_CONFIG);
    // helmet, CORS only for CORS_ORIGINS, JSON body cap (413), clean JSON for body-parser errors. See docs/security.md.
    // HTTP RED metrics first, so every response (guards, filters, body-parser rejections) is observed.
    applyHttpMetrics(app);
    // A span per request (child of the caller's traceparent), active through guards and handlers.
    applyHttpTracing(app);
    // Request id (X-Request-Id in and out) on every line of the request, one access line per request. See docs/operations.md.
    applyRequestLogging(app);
    applyHttpHardening(app, cfg);
    // The analyst console's build at /console (static files, its own CSP; docs/console.md).
    const consoleApp = applyConsole(app, cfg);
    app.set('query parser', 'extended');
    app.useGlobalPipes(new PlatformValidationPipe());
    app.useGlobalFilters(new GatewayExceptionFilter());
    // GET /openapi.json and /docs (OPENAPI_ENABLED; on by default outside production). See docs/api.md.
    if (openApiEnabled(cfg)) setupOpenApi(app, GATEWAY_API_INFO);
    app.enableShutdownHooks();
    await app.listen(cfg.PORT, '0.0.0.0');
    log.info('gateway started', { port: cfg.PORT, console: consoleApp.served ? '/console' : 'not built' });
  } catch (err) {
    log.error('gateway failed to start', errorFields(err));
    process.exit(1);
  }
}

void main();
