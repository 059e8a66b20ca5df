import { Inject, Injectable, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { connectDatabase } from '../database';
import type { PlatformConfig } from '../platform.config';
import { APP_CONFIG } from './tokens';

/** Closes the pool on shutdown (after the consumers and HTTP server have stopped). */
@Injectable()
export class DatabaseLifecycle implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}
  async onApplicationShutdown(): Promise<void> {
    if (this.ds.isInitialized) await this.ds.destroy();
  }
}

export function databaseProviders(applicationName: string): Provider[] {
  return [
    {
      provide: DataSource,
      inject: [APP_CONFIG],
      useFactory: (cfg: PlatformConfig) => connectDatabase(cfg, { applicationName }),
    },
    DatabaseLifecycle,
  ];
}
