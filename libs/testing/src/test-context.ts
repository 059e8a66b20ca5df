import 'reflect-metadata';
import { randomUUID } from 'crypto';
import type { DataSource } from 'typeorm';
import { createKafka } from '@cep/messaging';
import { connectDatabase, loadConfig, PlatformConfig } from '@cep/platform';

/** Config for tests: the run's database and broker from global setup. */
export function testConfig(overrides: Record<string, string> = {}): PlatformConfig {
  return loadConfig(PlatformConfig, { ...process.env, ...overrides });
}

export async function testDataSource(): Promise<DataSource> {
  return connectDatabase(testConfig(), { applicationName: 'test' });
}

export function testKafka(suffix = 'test') {
  return createKafka(testConfig(), suffix);
}

/** A fresh tenant id per test so tests sharing topics never see each other's rows. */
export function newOrgId(): string {
  return randomUUID();
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
