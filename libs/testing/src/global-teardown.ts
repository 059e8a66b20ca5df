import { Client } from 'pg';
import { kafkaScript } from './infra';

/** Drops this run's database; stops the broker only if this run started it and KEEP_KAFKA is unset. */
export default async function globalTeardown(): Promise<void> {
  const db = process.env.CEP_TEST_DATABASE;
  if (db && !process.env.KEEP_TEST_DATABASE) {
    const u = new URL(process.env.DATABASE_URL!);
    u.pathname = '/postgres';
    const c = new Client({ connectionString: u.toString() });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`).catch(() => undefined);
    await c.end();
  }
  if (process.env.CEP_TEST_STARTED_KAFKA && !process.env.KEEP_KAFKA) kafkaScript('stop');
}
