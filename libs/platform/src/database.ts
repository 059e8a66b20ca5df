import { DataSource, type DataSourceOptions, type Logger as TypeOrmLoggerInterface, type MigrationInterface } from 'typeorm';
import { Logger } from './logger';
import type { PlatformConfig } from './platform.config';

/**
 * TypeORM's messages as platform log lines (TypeORM's own logger prints plain text with the query parameters, i.e.
 * claim values). Never the parameters; the SQL text shortened. A failed query is debug: the caller logs (or
 * answers) the error with its context, so this only adds the statement when LOG_LEVEL=debug.
 */
export class TypeOrmLogger implements TypeOrmLoggerInterface {
  private readonly out = new Logger('typeorm');
  private static sql(query: string): string {
    return query.replace(/\s+/g, ' ').trim().slice(0, 300);
  }
  logQuery(): void {}
  logQueryError(error: string | Error, query: string): void {
    const e = error as { message?: string; code?: string };
    this.out.debug('query failed', { error: typeof error === 'string' ? error : e.message, code: e.code, query: TypeOrmLogger.sql(query) });
  }
  logQuerySlow(time: number, query: string): void {
    this.out.warn('slow query', { durationMs: time, query: TypeOrmLogger.sql(query) });
  }
  logSchemaBuild(): void {}
  logMigration(message: string): void {
    this.out.info(message);
  }
  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.out.warn(String(message));
    else this.out.debug(String(message));
  }
}

export type DatabaseConfig = Pick<
  PlatformConfig,
  | 'DATABASE_URL'
  | 'DATABASE_SSL'
  | 'DATABASE_SSL_CA'
  | 'DATABASE_SSL_REJECT_UNAUTHORIZED'
  | 'DATABASE_POOL_MAX'
  | 'DATABASE_STATEMENT_TIMEOUT_MS'
>;

export function dataSourceOptions(
  cfg: DatabaseConfig,
  extra: { applicationName?: string; migrations?: (new () => MigrationInterface)[] } = {},
): DataSourceOptions {
  return {
    type: 'postgres',
    url: cfg.DATABASE_URL,
    ssl: cfg.DATABASE_SSL ? { ca: cfg.DATABASE_SSL_CA, rejectUnauthorized: cfg.DATABASE_SSL_REJECT_UNAUTHORIZED } : false,
    synchronize: false,
    migrationsRun: false,
    migrations: extra.migrations ?? [],
    migrationsTableName: 'cep_migrations',
    logging: ['error', 'warn'],
    logger: new TypeOrmLogger(),
    applicationName: extra.applicationName,
    extra: {
      max: cfg.DATABASE_POOL_MAX,
      statement_timeout: cfg.DATABASE_STATEMENT_TIMEOUT_MS || undefined,
      idle_in_transaction_session_timeout: 60000,
    },
  };
}

/** Creates and initialises a TypeORM data source (no synchronize: the schema comes from migrations). */
export async function connectDatabase(
  cfg: DatabaseConfig,
  extra: { applicationName?: string; migrations?: (new () => MigrationInterface)[] } = {},
): Promise<DataSource> {
  const ds = new DataSource(dataSourceOptions(cfg, extra));
  await ds.initialize();
  return ds;
}

/**
 * SQLSTATEs of a schema that is behind the code (the migration that creates it has not run yet, e.g. during a rolling
 * upgrade): undefined table, column, function, object (type, role), schema. Transient: the migration Job fixes them.
 */
const SCHEMA_NOT_READY = new Set(['42P01', '42703', '42883', '42704', '3F000']);

export function isSchemaNotReadyError(err: unknown): boolean {
  const e = err as { code?: string; driverError?: { code?: string } };
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' && SCHEMA_NOT_READY.has(code);
}

/**
 * SQLSTATE classes that mean "try again later", not "this input is bad": the database unreachable or overloaded,
 * a conflict between transactions, and a schema that is not migrated yet ({@link isSchemaNotReadyError}).
 */
export function isTransientDbError(err: unknown): boolean {
  const e = err as { code?: string; message?: string; driverError?: { code?: string } };
  const code = e?.driverError?.code ?? e?.code;
  if (isSchemaNotReadyError(err)) return true;
  if (typeof code === 'string') {
    if (code.startsWith('08')) return true; // connection exception
    if (code === '57P01' || code === '57P02' || code === '57P03') return true; // admin shutdown, crash, cannot connect now
    if (code === '40001' || code === '40P01') return true; // serialization failure, deadlock
    if (code === '53300' || code === '53400') return true; // too many connections
    if (code === '55P03') return true; // lock not available
    if (code === '57014') return true; // query cancelled (statement timeout while a table is locked)
    if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN'].includes(code)) return true;
  }
  const msg = String(e?.message ?? '');
  return /Connection terminated|connection is closed|Client has encountered a connection error|timeout exceeded when trying to connect|terminating connection|Cannot use a pool after calling end|the database system is (starting up|shutting down|in recovery)/i.test(
    msg,
  );
}
