import { ConfigError, loadConfig } from './config';
import { dataSourceOptions } from './database';
import { DEV_JWT_SECRET, PlatformConfig } from './platform.config';

describe('auth settings: the dev secret is refused in production', () => {
  it('refuses NODE_ENV=production with the dev default secret and no JWKS', () => {
    expect(() => loadConfig(PlatformConfig, { NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig(PlatformConfig, { NODE_ENV: 'production', AUTH_JWT_SECRET: DEV_JWT_SECRET })).toThrow(/public dev default/);
  });

  it('accepts production with a secret of its own, or with a JWKS URL', () => {
    expect(loadConfig(PlatformConfig, { NODE_ENV: 'production', AUTH_JWT_SECRET: 'a-real-secret-from-a-k8s-secret-0123456789' }).NODE_ENV).toBe('production');
    expect(loadConfig(PlatformConfig, { NODE_ENV: 'production', AUTH_JWKS_URL: 'https://idp.example/jwks.json' }).AUTH_JWKS_URL).toBeDefined();
  });

  it('accepts the dev secret in development and test', () => {
    expect(loadConfig(PlatformConfig, {}).AUTH_JWT_SECRET).toBe(DEV_JWT_SECRET);
    expect(loadConfig(PlatformConfig, { NODE_ENV: 'test' }).AUTH_JWT_SECRET).toBe(DEV_JWT_SECRET);
  });

  it('refuses short secrets everywhere', () => {
    expect(() => loadConfig(PlatformConfig, { AUTH_JWT_SECRET: 'short' })).toThrow(/AUTH_JWT_SECRET/);
  });

  it('reads the throttling and CORS settings', () => {
    const c = loadConfig(PlatformConfig, { THROTTLE_LIMIT: '10', THROTTLE_TTL_MS: '2000', CORS_ORIGINS: 'https://a.example' });
    expect([c.THROTTLE_LIMIT, c.THROTTLE_TTL_MS, c.CORS_ORIGINS]).toEqual([10, 2000, 'https://a.example']);
    expect(() => loadConfig(PlatformConfig, { THROTTLE_LIMIT: '-1' })).toThrow(/THROTTLE_LIMIT/);
  });
});

describe('dataSourceOptions: Postgres TLS and statement timeout by env', () => {
  it('no TLS by default; statement_timeout and idle-in-transaction timeout on every connection', () => {
    const o = dataSourceOptions(loadConfig(PlatformConfig, {})) as { ssl: unknown; extra: Record<string, unknown> };
    expect(o.ssl).toBe(false);
    expect(o.extra.statement_timeout).toBe(30000);
    expect(o.extra.idle_in_transaction_session_timeout).toBe(60000);
  });

  it('TLS verifying the server with a CA', () => {
    const o = dataSourceOptions(loadConfig(PlatformConfig, { DATABASE_SSL: 'true', DATABASE_SSL_CA: 'PEM' })) as { ssl: unknown };
    expect(o.ssl).toEqual({ ca: 'PEM', rejectUnauthorized: true });
  });

  it('TLS without verification only when explicitly asked', () => {
    const o = dataSourceOptions(loadConfig(PlatformConfig, { DATABASE_SSL: 'true', DATABASE_SSL_REJECT_UNAUTHORIZED: 'false' })) as { ssl: unknown };
    expect(o.ssl).toEqual({ ca: undefined, rejectUnauthorized: false });
  });

  it('DATABASE_STATEMENT_TIMEOUT_MS=0 disables the timeout', () => {
    const o = dataSourceOptions(loadConfig(PlatformConfig, { DATABASE_STATEMENT_TIMEOUT_MS: '0' })) as { extra: Record<string, unknown> };
    expect(o.extra.statement_timeout).toBeUndefined();
  });
});
