import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { APP_CONFIG, applyRequestLogging, configureLogging, Logger, errorFields, nestLogger, waitForSchema } from '@cep/platform';
import { startTracing } from '@cep/platform';
import { ProjectorModule, type ProjectorModuleOptions } from './projector.module';
import type { ProjectorConfig } from './projector.config';
import { ProjectionTransport } from './projection.transport';

/**
 * main() of every projector app: HTTP (health, metrics) first, then — once the database has run every migration of
 * this build (a projector never consumes into a schema that is behind its code) — the projection transport.
 * SIGTERM stops cleanly, also while waiting for the migrations.
 */
export async function bootstrapProjector(opts: ProjectorModuleOptions): Promise<void> {
  process.env.TZ = 'UTC';
  // OpenTelemetry when OTEL_EXPORTER_OTLP_ENDPOINT is set: one span per batch, linked to the producers' spans.
  startTracing(opts.groupId.replace(/^cep\./, ''));
  configureLogging({ app: opts.groupId.replace(/^cep\./, '') });
  const log = new Logger(opts.projection.name);
  try {
    const app = await NestFactory.create(ProjectorModule.forProjection(opts), { logger: nestLogger() });
    applyRequestLogging(app);
    app.enableShutdownHooks();
    let stopping = false;
    process.once('SIGTERM', () => (stopping = true));
    const cfg = app.get<ProjectorConfig>(APP_CONFIG);
    await app.listen(cfg.METRICS_PORT, '0.0.0.0');
    // /health/ready answers 503 (`schema`) meanwhile; the consumer joins its group only after this.
    if (!(await waitForSchema(app.get(DataSource), { logger: log, stopped: () => stopping }))) return;
    app.connectMicroservice({ strategy: app.get(ProjectionTransport) });
    await app.startAllMicroservices();
    log.info('projector started', { port: cfg.METRICS_PORT, projection: opts.projection.name, version: opts.projection.version });
  } catch (err) {
    log.error('projector failed to start', errorFields(err));
    process.exit(1);
  }
}
