import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { Browser } from 'playwright-core';
import { newOrgId, portOpen, startApp, WORKSPACE_ROOT, type AppHandle } from '@cep/testing';
import { buildConsole, launchChromium, seriousA11yViolations } from './browser';

// Globals of the page, for the functions evaluated in the browser (the workspace's type-check has no DOM lib).
declare const sessionStorage: any, localStorage: any;

/**
 * Production sign-in of the console: OpenID Connect authorization code flow with PKCE against a real OIDC provider
 * (`oidc-provider`, its own process), a gateway in production mode that verifies the provider's JWT access tokens
 * through its JWKS (AUTH_JWKS_URL, AUTH_ISSUER, AUTH_AUDIENCE) and offers no dev sign-in, and a real Chromium.
 */
describe('console sign-in with OpenID Connect (e2e)', () => {
  const OIDC_PORT = 4661;
  const GATEWAY_PORT = 4662;
  const issuer = `http://127.0.0.1:${OIDC_PORT}`;
  const audience = 'urn:cep:gateway';
  const org = newOrgId();
  let idp: ChildProcess;
  let gateway: AppHandle;
  let browser: Browser;
  let consoleDir: string;
  const idpLog = path.join(WORKSPACE_ROOT, '.cache', `console-oidc-provider-${Date.now()}.log`);

  beforeAll(async () => {
    consoleDir = buildConsole();
    fs.mkdirSync(path.dirname(idpLog), { recursive: true });
    const out = fs.openSync(idpLog, 'w');
    idp = spawn(process.execPath, ['apps/console/e2e/oidc-provider.mjs'], {
      cwd: WORKSPACE_ROOT,
      env: { ...process.env, OIDC_PORT: String(OIDC_PORT), OIDC_REDIRECT_URI: `http://127.0.0.1:${GATEWAY_PORT}/console/callback`, OIDC_ORG: org, OIDC_AUDIENCE: audience },
      stdio: ['ignore', out, out],
    });
    for (let i = 0; ; i++) {
      // (not fetch: the e2e tier's fetch checks responses against our apps' OpenAPI documents; the IdP is not one)
      if (fs.readFileSync(idpLog, 'utf8').includes('ready') && (await portOpen('127.0.0.1', OIDC_PORT, 300))) break;
      if (i > 100) throw new Error(`the OIDC provider did not start: ${fs.readFileSync(idpLog, 'utf8')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    gateway = await startApp('gateway', {
      port: GATEWAY_PORT,
      env: {
        NODE_ENV: 'production',
        OPENAPI_ENABLED: 'true',
        REPORTS_CURSOR_SECRET: 'console-oidc-test-cursor-secret-0123456789',
        AUTH_JWKS_URL: `${issuer}/jwks`,
        AUTH_ISSUER: issuer,
        AUTH_AUDIENCE: audience,
        CONSOLE_DIR: consoleDir,
        CONSOLE_OIDC_ISSUER: issuer,
        CONSOLE_OIDC_CLIENT_ID: 'cep-console',
        CONSOLE_OIDC_RESOURCE: audience,
      },
    });
    browser = await launchChromium();
  }, 180000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.kill('SIGTERM');
    idp?.kill('SIGTERM');
    if (consoleDir) fs.rmSync(consoleDir, { recursive: true, force: true });
  });

  it('a shared link → the IdP login → back to the same view with a token in memory only; the gateway accepts it', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    const urls: string[] = [];
    page.on('framenavigated', (f) => f === page.mainFrame() && urls.push(f.url()));
    const bearer: string[] = [];
    page.on('request', (r) => {
      const h = r.headers().authorization;
      if (h) bearer.push(h);
    });

    await page.goto(`${gateway.url}/console/history?pageSize=10&sort=action&dir=ASC`);
    await page.waitForSelector('[data-testid=oidc-signin]');
    // production: no dev-token sign-in; the sign-in page is accessible too
    expect(await page.$('[data-testid=dev-token]')).toBeNull();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.click('[data-testid=oidc-signin]');
    // the provider's login and consent pages
    await page.waitForURL(`${issuer}/**`);
    await page.fill('input[name=login]', 'analyst@example.com');
    await page.fill('input[name=password]', 'any');
    await page.click('button[type=submit]');
    await page.waitForSelector('button[type=submit]');
    if (page.url().startsWith(issuer)) await page.click('button[type=submit]'); // consent
    await page.waitForURL(`${gateway.url}/console/history**`);
    await page.waitForSelector('[data-testid=history-page]');
    await page.waitForSelector('[data-testid=freshness]');

    // back on the view of the link, the code gone from the address bar
    expect(new URL(page.url()).search).toBe('?pageSize=10&sort=action&dir=ASC');
    // the API calls carried the provider's JWT: issuer, audience, organisation and scopes as configured
    const token = bearer.find((b) => b.startsWith('Bearer '))!.slice(7);
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ iss: issuer, aud: audience, org, sub: 'analyst@example.com' });
    expect(claims.scope.split(' ').sort()).toEqual(['activity:read', 'events:read', 'history:read', 'reports:read']);
    // the token is in memory only: never in a URL, web storage, or the gateway's log
    expect(urls.filter((u) => u.includes(token))).toEqual([]);
    const stored = await page.evaluate(() => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }));
    expect(stored).not.toContain(token);
    expect(fs.readFileSync(gateway.logFile, 'utf8')).not.toContain(token);
    // the gateway answered the console with data for the token's organisation (no entries yet: a new tenant)
    expect(await page.getAttribute('[data-testid=history-page]', 'data-total')).toBe('0');

    // a reload forgets the token (memory only) and signs in again through the IdP session, back on the same view
    await page.reload();
    await page.waitForSelector('[data-testid=oidc-signin]');
    await page.click('[data-testid=oidc-signin]');
    await page.waitForURL(`${gateway.url}/console/history**`, { timeout: 15000 });
    await page.waitForSelector('[data-testid=history-page]');
    await ctx.close();
  });
});
