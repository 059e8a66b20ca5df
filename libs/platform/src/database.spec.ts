import { dataSourceOptions, isTransientDbError, TypeOrmLogger } from './database';
import { configureLogging } from './logger';
import { loadConfig } from './config';
import { PlatformConfig } from './platform.config';

describe('isTransientDbError', () => {
  it.each([
    ['connection failure', { code: '08006' }],
    ['admin shutdown (server restart)', { code: '57P01' }],
    ['deadlock', { code: '40P01' }],
    ['serialization failure', { code: '40001' }],
    ['lock timeout', { code: '55P03' }],
    ['statement timeout', { code: '57014' }],
    ['connection refused', { code: 'ECONNREFUSED' }],
    ['TypeORM wrapper', { driverError: { code: '57P01' } }],
    ['terminated connection', { message: 'Connection terminated unexpectedly' }],
    ['undefined table (migration not run yet)', { code: '42P01' }],
    ['undefined column (migration not run yet)', { driverError: { code: '42703' } }],
    ['undefined function (migration not run yet)', { code: '42883' }],
    ['undefined schema (migration not run yet)', { code: '3F000' }],
  ])('treats %s as transient', (_name, err) => {
    expect(isTransientDbError(err)).toBe(true);
  });

  it.each([
    ['unique violation', { code: '23505' }],
    ['value too long', { code: '22001' }],
    ['syntax error', { code: '42601' }],
    ['plain error', new Error('boom')],
  ])('treats %s as permanent', (_name, err) => {
    expect(isTransientDbError(err)).toBe(false);
  });
});

describe('dataSourceOptions', () => {
  it('never synchronizes and applies the statement timeout and TLS settings', () => {
    const cfg = loadConfig(PlatformConfig, { DATABASE_SSL: 'true', DATABASE_SSL_CA: 'PEM', DATABASE_STATEMENT_TIMEOUT_MS: '1500' });
    const o = dataSourceOptions(cfg) as Record<string, any>;
    expect(o.synchronize).toBe(false);
    expect(o.ssl).toEqual({ ca: 'PEM', rejectUnauthorized: true });
    expect(o.extra.statement_timeout).toBe(1500);
    expect((dataSourceOptions(loadConfig(PlatformConfig, {})) as Record<string, any>).ssl).toBe(false);
  });
});

describe('TypeOrmLogger', () => {
  it('writes TypeORM messages as platform lines without the query parameters (claim values)', () => {
    const lines: Record<string, unknown>[] = [];
    configureLogging({ app: 'spec', level: 'debug', destination: { write: (s: string) => void lines.push(JSON.parse(s)) } });
    const o = dataSourceOptions(loadConfig(PlatformConfig, {})) as Record<string, any>;
    expect(o.logger).toBeInstanceOf(TypeOrmLogger);
    const err = Object.assign(new Error('column "s_cn" of relation "entries" does not exist'), { code: '42703' });
    o.logger.logQueryError(err, 'INSERT INTO history.entries (id, s_cv)\n  SELECT * FROM x WHERE a = $1', ['RP-12345-claim']);
    o.logger.logQuerySlow(1500, 'SELECT $1', ['RP-12345-claim']);
    expect(lines).toEqual([
      expect.objectContaining({ level: 'debug', logger: 'typeorm', msg: 'query failed', code: '42703', query: 'INSERT INTO history.entries (id, s_cv) SELECT * FROM x WHERE a = $1' }),
      expect.objectContaining({ level: 'warn', logger: 'typeorm', msg: 'slow query', durationMs: 1500 }),
    ]);
    expect(JSON.stringify(lines)).not.toContain('RP-12345-claim');
  });
});
