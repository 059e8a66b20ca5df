import { DEV_JWT_SECRET, loadConfig } from '@cep/platform';
import { reportsCursorSecret, ReportsApiConfig } from './reports-api.config';

describe('reports cursor secret', () => {
  const load = (env: Record<string, string>) => reportsCursorSecret(loadConfig(ReportsApiConfig, env));

  it('uses REPORTS_CURSOR_SECRET when set, and requires 32 characters', () => {
    expect(load({ REPORTS_CURSOR_SECRET: 'r'.repeat(32) })).toBe('r'.repeat(32));
    expect(() => load({ REPORTS_CURSOR_SECRET: 'short' })).toThrow(/REPORTS_CURSOR_SECRET/);
  });

  it('derives a key from AUTH_JWT_SECRET otherwise (not the JWT secret itself)', () => {
    const k = load({ AUTH_JWT_SECRET: 's'.repeat(40) });
    expect(k).not.toBe('s'.repeat(40));
    expect(k.length).toBeGreaterThanOrEqual(32);
    expect(load({ AUTH_JWT_SECRET: 't'.repeat(40) })).not.toBe(k);
  });

  it('refuses a key from the public dev secret in production', () => {
    expect(() => load({ NODE_ENV: 'production' })).toThrow(/REPORTS_CURSOR_SECRET/);
    expect(() => load({ NODE_ENV: 'production', AUTH_JWT_SECRET: DEV_JWT_SECRET })).toThrow();
    expect(load({ NODE_ENV: 'production', REPORTS_CURSOR_SECRET: 'p'.repeat(40) })).toBe('p'.repeat(40));
    expect(load({ NODE_ENV: 'development' }).length).toBeGreaterThanOrEqual(32);
  });
});
