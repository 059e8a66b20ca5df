import * as fs from 'fs';
import * as path from 'path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { GatewayConfig } from '../gateway.config';

/** Where the SPA is mounted; every page of the console lives under it (docs/console.md). */
export const CONSOLE_PATH = '/console';

/** What the SPA reads at start from `/console/config.json` (public: holds no secret). */
export interface ConsoleRuntimeConfig {
  /** Dev sign-in (a pasted dev token or `#token=` from the `npm start` banner); never with NODE_ENV=production. */
  devSignIn: boolean;
  oidc: { issuer: string; clientId: string; scope: string; resource?: string } | null;
}

export function consoleRuntimeConfig(cfg: GatewayConfig): ConsoleRuntimeConfig {
  const oidc =
    cfg.CONSOLE_OIDC_ISSUER && cfg.CONSOLE_OIDC_CLIENT_ID
      ? { issuer: cfg.CONSOLE_OIDC_ISSUER, clientId: cfg.CONSOLE_OIDC_CLIENT_ID, scope: cfg.CONSOLE_OIDC_SCOPE, ...(cfg.CONSOLE_OIDC_RESOURCE ? { resource: cfg.CONSOLE_OIDC_RESOURCE } : {}) }
      : null;
  return { devSignIn: cfg.NODE_ENV !== 'production', oidc };
}

/**
 * The console's Content-Security-Policy: scripts and styles only from the gateway itself (no 'unsafe-inline',
 * no eval), API calls to the gateway and, when configured, the OIDC issuer's discovery and token endpoints.
 */
export function consoleCsp(runtime: ConsoleRuntimeConfig): string {
  const connect = ["'self'"];
  if (runtime.oidc) connect.push(new URL(runtime.oidc.issuer).origin);
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src ${connect.join(' ')}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

interface Req {
  method: string;
  path: string;
}
interface Res {
  setHeader(name: string, value: string): void;
  status(code: number): Res;
  json(body: unknown): void;
  sendFile(file: string, cb?: (err?: Error) => void): void;
  type(t: string): Res;
  send(body: string | Buffer): void;
}

const MIME: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serves the console's production build at `/console` as plain Express middleware (not a controller: these
 * routes are static files, not API operations, so they stay out of the OpenAPI document and the route-coverage
 * specs). GET/HEAD only; hashed assets are immutable; every other path under `/console` is the SPA's index.html
 * (client-side routes). Mounted after the HTTP hardening, so helmet's headers and the hostile-URL guard apply;
 * the CSP is replaced by the console's own (`consoleCsp`). No token is needed for these files: the SPA holds no
 * secret, and every API call it makes carries the analyst's bearer token.
 */
export function applyConsole(app: NestExpressApplication, cfg: GatewayConfig): { served: boolean; dir: string } {
  const dir = path.resolve(cfg.CONSOLE_DIR);
  const runtime = consoleRuntimeConfig(cfg);
  const csp = consoleCsp(runtime);
  const served = fs.existsSync(path.join(dir, 'index.html'));
  app.use(CONSOLE_PATH, (req: Req, res: Res, next: () => void) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    res.setHeader('Content-Security-Policy', csp);
    if (req.path === '/config.json') {
      res.setHeader('Cache-Control', 'no-store');
      return res.json(runtime);
    }
    if (!fs.existsSync(path.join(dir, 'index.html'))) {
      return res.status(404).json({ statusCode: 404, code: 'NOT_FOUND', message: 'the console is not built: run npm run console:build' });
    }
    const rel = path.normalize(decodeURIComponent(req.path)).replace(/^([/\\])+/, '');
    const file = path.join(dir, rel);
    if (rel && file.startsWith(dir + path.sep) && fs.existsSync(file) && fs.statSync(file).isFile()) {
      const type = MIME[path.extname(file)];
      if (type) res.setHeader('Content-Type', type);
      res.setHeader('Cache-Control', rel.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      return res.send(fs.readFileSync(file));
    }
    if (rel.startsWith('assets/')) return res.status(404).json({ statusCode: 404, code: 'NOT_FOUND', message: 'no such asset' });
    // A client-side route: the SPA's shell.
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Content-Type', MIME['.html']);
    return res.send(fs.readFileSync(path.join(dir, 'index.html')));
  });
  return { served, dir };
}
