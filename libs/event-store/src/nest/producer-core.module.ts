import { Inject, Injectable, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { AuthGuard, TokenVerifier, tokenVerifierProvider } from '@cep/auth';
import { createKafka, EventPublisher, OutboxMetrics, OutboxRelay } from '@cep/messaging';
import {
  APP_CONFIG,
  Clock,
  databaseProviders,
  HealthController,
  HealthModule,
  KAFKA,
  loadConfig,
  METRICS_REGISTRY,
  metricsRegistryProvider,
  MetricsController,
  READINESS_CHECKS,
  SystemClock,
} from '@cep/platform';
import { EventStore } from '../event-store';
import { ProducerConfig } from './producer.config';

export const PRODUCER_SCHEMA = Symbol('PRODUCER_SCHEMA');

@Injectable()
class RelayLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
    @Inject(EventPublisher) private readonly publisher: EventPublisher,
  ) {}
  onApplicationBootstrap(): void {
    this.relay.start();
  }
  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
    await this.publisher.disconnect();
  }
}

/**
 * Everything a producer app shares: validated config, database, event store (its own schema), outbox relay,
 * Kafka publisher, bearer-token guard, clock, health and metrics. Feature modules import it.
 */
@Module({})
export class ProducerCoreModule {
  static forService(opts: { schema: string; config?: new () => ProducerConfig }): DynamicModule {
    const cfgClass = opts.config ?? ProducerConfig;
    const providers: Provider[] = [
      { provide: APP_CONFIG, useFactory: () => loadConfig(cfgClass) },
      { provide: PRODUCER_SCHEMA, useValue: opts.schema },
      ...databaseProviders(opts.schema),
      { provide: Clock, useClass: SystemClock },
      { provide: EventStore, inject: [DataSource], useFactory: (ds: DataSource) => new EventStore(ds, opts.schema) },
      { provide: KAFKA, inject: [APP_CONFIG], useFactory: (cfg: ProducerConfig) => createKafka(cfg, opts.schema) },
      { provide: EventPublisher, inject: [KAFKA], useFactory: (k: Kafka) => new EventPublisher(k) },
      {
        provide: OutboxRelay,
        inject: [DataSource, EventPublisher, APP_CONFIG, METRICS_REGISTRY],
        useFactory: (ds: DataSource, p: EventPublisher, cfg: ProducerConfig, registry: Registry) =>
          new OutboxRelay(ds, p, {
            metrics: new OutboxMetrics(registry, ds, opts.schema),
            schema: opts.schema,
            databaseUrl: cfg.DATABASE_URL,
            batchSize: cfg.OUTBOX_BATCH_SIZE,
            pollIntervalMs: cfg.OUTBOX_POLL_INTERVAL_MS,
            retentionMs: cfg.OUTBOX_RETENTION_MS,
          }),
      },
      RelayLifecycle,
      {
        provide: READINESS_CHECKS,
        inject: [OutboxRelay],
        useFactory: (relay: OutboxRelay) => [{ name: 'outbox-relay', isReady: () => relay.healthy }],
      },
      metricsRegistryProvider,
      tokenVerifierProvider,
      { provide: APP_GUARD, useClass: AuthGuard },
    ];
    return {
      module: ProducerCoreModule,
      global: true,
      imports: [HealthModule],
      controllers: [HealthController, MetricsController],
      providers,
      exports: [APP_CONFIG, PRODUCER_SCHEMA, DataSource, Clock, EventStore, KAFKA, EventPublisher, OutboxRelay, METRICS_REGISTRY, TokenVerifier],
    };
  }
}
