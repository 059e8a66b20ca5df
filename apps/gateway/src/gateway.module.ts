import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { AuthGuard, TokenVerifier } from '@cep/auth';
import { APP_CONFIG, databaseProviders, HealthController, loadConfig, METRICS_REGISTRY, MetricsController } from '@cep/platform';
import { GatewayConfig } from './gateway.config';
import { HistoryController } from './history/history.controller';

@Module({
  controllers: [HealthController, MetricsController, HistoryController],
  providers: [
    { provide: APP_CONFIG, useFactory: () => loadConfig(GatewayConfig) },
    ...databaseProviders('gateway'),
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
  ],
})
export class GatewayModule {}
