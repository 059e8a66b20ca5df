import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { AuthGuard, TokenVerifier } from '@cep/auth';
import { APP_CONFIG, Clock, databaseProviders, HealthModule, httpMetricsProvider, loadConfig, METRICS_REGISTRY, SystemClock } from '@cep/platform';
import { GatewayConfig } from './gateway.config';

/** Shared by every gateway feature module: config, database, clock, metrics registry, bearer-token guard. */
@Global()
@Module({
  // HealthModule (terminus) is re-exported for the HealthController declared in GatewayModule.
  imports: [HealthModule],
  providers: [
    { provide: APP_CONFIG, useFactory: () => loadConfig(GatewayConfig) },
    ...databaseProviders('gateway'),
    { provide: Clock, useClass: SystemClock },
    {
      provide: METRICS_REGISTRY,
      useFactory: () => {
        const r = new Registry();
        collectDefaultMetrics({ register: r });
        return r;
      },
    },
    {
      provide: TokenVerifier,
      inject: [APP_CONFIG],
      useFactory: (cfg: GatewayConfig) =>
        new TokenVerifier({ jwtSecret: cfg.AUTH_JWT_SECRET, jwksUrl: cfg.AUTH_JWKS_URL, issuer: cfg.AUTH_ISSUER, audience: cfg.AUTH_AUDIENCE }),
    },
    { provide: APP_GUARD, useClass: AuthGuard },
    httpMetricsProvider,
  ],
  exports: [APP_CONFIG, DataSource, Clock, METRICS_REGISTRY, TokenVerifier, HealthModule],
})
export class GatewayCoreModule {}
