import type { DataSource } from 'typeorm';
import { Logger } from './logger';
import { sleep } from './backoff';

/**
 * The name of every migration compiled into this build, in run order: `ALL_MIGRATIONS` of tools/db/migrations.ts
 * (the one list that runs them). The apps cannot import that list (producers never import read-model libs), so the
 * names are repeated here; tools/db/migrations.spec.ts fails, printing the list to paste, when the two differ.
 */
export const SCHEMA_MIGRATIONS: readonly string[] = [
  'ProjectionRuntime1732000000000',
  'ProjectionRebuilds1732000070000',
  'DeadLetterPublished1732000080000',
  'ProducerStores1732000000100',
  'IssuerOfferDeadlines1732000010000',
  'HistoryEntries1732000001000',
  'HistorySearchColumnsRelatedCounts1732000002000',
  'ReportDailyCounts1732000030000',
  'EventLog1732000050000',
  'ActivityReadModel1732000040000',
  'ActivityStatsCounters1732000041000',
  'TenantScopedStreams1732000095000',
  'IssuerOfferCodes1732000096000',
  'GatewayReadRole1732000110000',
  'HistoryRowLevelSecurity1732000110100',
  'ReportRowLevelSecurity1732000110200',
  'ActivityRowLevelSecurity1732000110300',
  'EventLogRowLevelSecurity1732000110400',
  'OutboxTraceparent1732000120000',
  'MigrationsTableReadable1732000130000',
  'AnalyticsV11732000140000',
  'HistoryTenantEntriesView1732000150000',
  'HistoryChain1732000160000',
];

/** TypeORM's migrations table (`migrationsTableName` of {@link dataSourceOptions}). */
export const MIGRATIONS_TABLE = 'cep_migrations';

/**
 * The migrations of `expected` the database has not run (TypeORM's table lists the ones it has). All of them when the
 * table does not exist yet. Database errors other than that propagate (the caller's database check reports them).
 */
export async function pendingMigrations(ds: Pick<DataSource, 'query'>, expected: readonly string[] = SCHEMA_MIGRATIONS): Promise<string[]> {
  let rows: { name: string }[];
  try {
    rows = await ds.query(`SELECT name FROM ${MIGRATIONS_TABLE}`);
  } catch (err) {
    if ((err as { code?: string; driverError?: { code?: string } }).driverError?.code === '42P01' || (err as { code?: string }).code === '42P01') {
      return [...expected];
    }
    throw err;
  }
  const done = new Set(rows.map((r) => r.name));
  return expected.filter((n) => !done.has(n));
}

/**
 * Resolves once the database has run every expected migration, polling every `pollMs` (errors, e.g. the database
 * being down, are logged and polled again). `stopped()` true ends the wait early with `false`.
 */
export async function waitForSchema(
  ds: Pick<DataSource, 'query'>,
  opts: { expected?: readonly string[]; pollMs?: number; logger?: Logger; stopped?: () => boolean } = {},
): Promise<boolean> {
  const log = opts.logger ?? new Logger('schema');
  let logged = '';
  for (;;) {
    if (opts.stopped?.()) return false;
    try {
      const pending = await pendingMigrations(ds, opts.expected);
      if (!pending.length) return true;
      const key = pending.join(',');
      if (key !== logged) log.warn('database schema is behind this build; waiting for the migrations', { pending });
      logged = key;
    } catch (err) {
      log.warn('cannot read the migrations table; retrying', { error: (err as Error).message, code: (err as { code?: string }).code });
    }
    await sleep(opts.pollMs ?? 2000);
  }
}
