import { Inject, Module, type DynamicModule, type Provider } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import {
  APP_CONFIG,
  databaseProviders,
  HealthController,
  HealthModule,
  KAFKA,
  loadConfig,
  METRICS_REGISTRY,
  metricsRegistryProvider,
  MetricsController,
  READINESS_CHECKS,
  type ReadinessCheck,
} from '@cep/platform';
import { BatchProjectionRunner } from '../batch-projection-runner';
import { createKafka } from '../kafka-client';
import type { Projection } from '../projection';
import { ProjectionMetrics } from '../projection-metrics';
import { ProjectorConfig } from './projector.config';
import { ProjectionTransport } from './projection.transport';

export interface ProjectorModuleOptions {
  projection: Projection;
  /** Default consumer group (overridable with KAFKA_GROUP_ID). */
  groupId: string;
}

class ConsumerReadiness implements ReadinessCheck {
  readonly name = 'kafka-consumer';
  constructor(@Inject(BatchProjectionRunner) private readonly runner: BatchProjectionRunner) {}
  isReady(): boolean {
    return this.runner.joined;
  }
}

/** Wires a projector app: config, database, Kafka, the runner as a microservice transport, health, metrics. */
@Module({})
export class ProjectorModule {
  static forProjection(opts: ProjectorModuleOptions): DynamicModule {
    const providers: Provider[] = [
      { provide: APP_CONFIG, useFactory: () => loadConfig(ProjectorConfig) },
      ...databaseProviders(opts.projection.name),
      metricsRegistryProvider,
      { provide: ProjectionMetrics, inject: [METRICS_REGISTRY], useFactory: (r: Registry) => new ProjectionMetrics(r) },
      { provide: KAFKA, inject: [APP_CONFIG], useFactory: (cfg: ProjectorConfig) => createKafka(cfg, opts.projection.name) },
      {
        provide: BatchProjectionRunner,
        inject: [KAFKA, DataSource, APP_CONFIG, ProjectionMetrics],
        useFactory: (kafka: Kafka, ds: DataSource, cfg: ProjectorConfig, metrics: ProjectionMetrics) =>
          new BatchProjectionRunner(kafka, ds, opts.projection, {
            groupId: cfg.KAFKA_GROUP_ID ?? opts.groupId,
            sessionTimeoutMs: cfg.KAFKA_SESSION_TIMEOUT_MS,
            heartbeatIntervalMs: cfg.KAFKA_HEARTBEAT_INTERVAL_MS,
            rebalanceTimeoutMs: cfg.KAFKA_REBALANCE_TIMEOUT_MS,
            maxBytesPerPartition: cfg.KAFKA_MAX_BYTES_PER_PARTITION,
            lockTimeoutMs: cfg.PROJECTION_LOCK_TIMEOUT_MS,
            partitionConcurrency: cfg.PROJECTION_PARTITION_CONCURRENCY,
            metrics,
            // A consumer kafkajs gave up on: shut down cleanly and let Kubernetes start a fresh process.
            onFatal: () => process.kill(process.pid, 'SIGTERM'),
          }),
      },
      { provide: ProjectionTransport, inject: [BatchProjectionRunner], useFactory: (r: BatchProjectionRunner) => new ProjectionTransport(r) },
      ConsumerReadiness,
      { provide: READINESS_CHECKS, inject: [ConsumerReadiness], useFactory: (c: ConsumerReadiness) => [c] },
    ];
    return { module: ProjectorModule, imports: [HealthModule], controllers: [HealthController, MetricsController], providers, exports: providers };
  }
}
