import { loadConfig } from '@cep/platform';
import { GatewayConfig } from '../gateway.config';
import { consoleCsp, consoleRuntimeConfig } from './console-static';

describe('console serving config', () => {
  const cfg = (env: Record<string, string>) => loadConfig(GatewayConfig, { REPORTS_CURSOR_SECRET: 'x'.repeat(40), AUTH_JWKS_URL: 'https://idp.example.com/jwks', ...env });

  it('dev sign-in only outside production; OIDC only when issuer and client id are both set', () => {
    expect(consoleRuntimeConfig(cfg({ NODE_ENV: 'development' }))).toEqual({ devSignIn: true, oidc: null });
    expect(consoleRuntimeConfig(cfg({ NODE_ENV: 'production', CONSOLE_OIDC_ISSUER: 'https://idp.example.com' }))).toEqual({ devSignIn: false, oidc: null });
    expect(consoleRuntimeConfig(cfg({ NODE_ENV: 'production', CONSOLE_OIDC_ISSUER: 'https://idp.example.com/realms/a', CONSOLE_OIDC_CLIENT_ID: 'console', CONSOLE_OIDC_RESOURCE: 'urn:cep:gateway' }))).toEqual({
      devSignIn: false,
      oidc: { issuer: 'https://idp.example.com/realms/a', clientId: 'console', scope: 'openid history:read activity:read reports:read events:read', resource: 'urn:cep:gateway' },
    });
  });

  it('CSP: self only, no inline or eval; the issuer origin may be called (discovery, token endpoint)', () => {
    const csp = consoleCsp(consoleRuntimeConfig(cfg({ CONSOLE_OIDC_ISSUER: 'https://idp.example.com/realms/a', CONSOLE_OIDC_CLIENT_ID: 'console' })));
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("style-src 'self';");
    expect(csp).toContain("connect-src 'self' https://idp.example.com;");
    expect(csp).not.toMatch(/unsafe/);
  });

  it('refuses a malformed issuer URL at startup', () => {
    expect(() => cfg({ CONSOLE_OIDC_ISSUER: 'not a url' })).toThrow(/CONSOLE_OIDC_ISSUER/);
  });
});
