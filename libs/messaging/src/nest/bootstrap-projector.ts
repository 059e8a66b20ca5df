import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { APP_CONFIG, Logger, errorFields } from '@cep/platform';
import { ProjectorModule, type ProjectorModuleOptions } from './projector.module';
import type { ProjectorConfig } from './projector.config';
import { ProjectionTransport } from './projection.transport';

/** main() of every projector app: HTTP (health, metrics) + the projection transport; SIGTERM stops cleanly. */
export async function bootstrapProjector(opts: ProjectorModuleOptions): Promise<void> {
  process.env.TZ = 'UTC';
  const log = new Logger(opts.projection.name);
  try {
    const app = await NestFactory.create(ProjectorModule.forProjection(opts), { logger: ['error', 'warn'] });
    app.enableShutdownHooks();
    app.connectMicroservice({ strategy: app.get(ProjectionTransport) });
    await app.startAllMicroservices();
    const cfg = app.get<ProjectorConfig>(APP_CONFIG);
    await app.listen(cfg.METRICS_PORT, '0.0.0.0');
    log.info('projector started', { port: cfg.METRICS_PORT, projection: opts.projection.name, version: opts.projection.version });
  } catch (err) {
    log.error('projector failed to start', errorFields(err));
    process.exit(1);
  }
}
