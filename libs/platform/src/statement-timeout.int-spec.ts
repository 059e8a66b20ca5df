import { testConfig } from '@cep/testing';
import { connectDatabase } from './database';

/** DATABASE_STATEMENT_TIMEOUT_MS is applied to every pooled connection: no request can hold the database. */
describe('statement_timeout (real PostgreSQL)', () => {
  it('is set on every connection of the pool and cancels a long query with SQLSTATE 57014', async () => {
    const ds = await connectDatabase(testConfig({ DATABASE_STATEMENT_TIMEOUT_MS: '300', DATABASE_POOL_MAX: '3' }), { applicationName: 'timeout-test' });
    try {
      const settings = await Promise.all([1, 2, 3].map(() => ds.query(`SHOW statement_timeout`)));
      for (const [row] of settings) expect(row.statement_timeout).toBe('300ms');
      const started = Date.now();
      const err = await ds.query('SELECT pg_sleep(5)').then(
        () => undefined,
        (e: { driverError?: { code?: string } }) => e,
      );
      expect(err?.driverError?.code).toBe('57014');
      expect(Date.now() - started).toBeLessThan(3000);
      const [{ idle }] = await ds.query(`SELECT current_setting('idle_in_transaction_session_timeout') AS idle`);
      expect(idle).toBe('1min');
    } finally {
      await ds.destroy();
    }
  });

  it('uses the 30 s default when unset', async () => {
    const ds = await connectDatabase(testConfig(), { applicationName: 'timeout-test' });
    try {
      expect((await ds.query(`SHOW statement_timeout`))[0].statement_timeout).toBe('30s');
    } finally {
      await ds.destroy();
    }
  });
});
