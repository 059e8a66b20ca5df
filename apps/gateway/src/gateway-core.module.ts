import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AuthGuard, TokenVerifier, tokenVerifierProvider } from '@cep/auth';
import {
  APP_CONFIG,
  Clock,
  databaseProviders,
  HealthModule,
  loadConfig,
  METRICS_REGISTRY,
  metricsRegistryProvider,
  SystemClock,
  TenantDatabase,
} from '@cep/platform';
import { GatewayConfig } from './gateway.config';

/** Shared by every gateway feature module: config, database, clock, metrics registry, bearer-token guard. */
@Global()
@Module({
  // HealthModule (terminus) is re-exported for the HealthController declared in GatewayModule.
  imports: [HealthModule],
  providers: [
    { provide: APP_CONFIG, useFactory: () => loadConfig(GatewayConfig) },
    ...databaseProviders('gateway'),
    // The one way the read-model query services reach PostgreSQL: tenant sessions of its own pool (RLS).
    {
      provide: TenantDatabase,
      inject: [DataSource, APP_CONFIG],
      useFactory: (ds: DataSource, cfg: GatewayConfig) => new TenantDatabase(ds, { rls: cfg.GATEWAY_RLS === 'on', role: cfg.GATEWAY_DB_ROLE }),
    },
    { provide: Clock, useClass: SystemClock },
    metricsRegistryProvider,
    tokenVerifierProvider,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [APP_CONFIG, DataSource, TenantDatabase, Clock, METRICS_REGISTRY, TokenVerifier, HealthModule],
})
export class GatewayCoreModule {}
