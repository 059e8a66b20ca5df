/**
 * Creates the database if it does not exist, then runs every pending migration.
 *   npm run db:migrate            (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/cep)
 *   npm run db:migrate -- --revert   reverts the last one
 */
import 'reflect-metadata';
import { Client } from 'pg';
import { configureLogging, connectDatabase, loadConfig, Logger, PlatformConfig } from '@cep/platform';
import { ALL_MIGRATIONS } from './migrations';

export async function ensureDatabase(url: string): Promise<void> {
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`unsupported database name ${name}`);
  u.pathname = '/postgres';
  const c = new Client({ connectionString: u.toString() });
  await c.connect();
  try {
    const r = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!r.rowCount) await c.query(`CREATE DATABASE "${name}"`);
  } catch (err) {
    if ((err as { code?: string }).code !== '42P04') throw err; // created concurrently
  } finally {
    await c.end();
  }
}

export async function migrate(databaseUrl: string, revert = false): Promise<string[]> {
  await ensureDatabase(databaseUrl);
  const cfg = loadConfig(PlatformConfig, { ...process.env, DATABASE_URL: databaseUrl });
  const ds = await connectDatabase({ ...cfg, DATABASE_STATEMENT_TIMEOUT_MS: 0 }, { migrations: ALL_MIGRATIONS, applicationName: 'migrate' });
  try {
    if (revert) {
      await ds.undoLastMigration({ transaction: 'each' });
      return ['reverted'];
    }
    const done = await ds.runMigrations({ transaction: 'each' });
    return done.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}

if (require.main === module) {
  // The Job's output is the platform's JSON log line like every app's.
  configureLogging({ app: 'migrate' });
  const log = new Logger('migrate');
  const cfg = loadConfig(PlatformConfig);
  migrate(cfg.DATABASE_URL, process.argv.includes('--revert'))
    .then((names) => {
      log.info(names.length ? 'migrations applied' : 'database is up to date', { migrations: names });
    })
    .catch((err) => {
      log.error('migration failed', { error: err.message, code: err.code });
      process.exit(1);
    });
}
