import * as fs from 'fs';
import * as path from 'path';
import { SECURITY_ENDPOINTS } from './security-endpoints';

/** Every route of every gateway controller, read from the source: `GET /api/history/v1/{}`. */
function gatewayRoutes(): string[] {
  const root = path.resolve(__dirname, '..');
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.controller.ts')) files.push(p);
    }
  };
  walk(root);
  const routes: string[] = [];
  for (const f of files) {
    const src = fs.readFileSync(f, 'utf8');
    const base = /@Controller\(\s*'([^']*)'\s*\)/.exec(src)?.[1] ?? '';
    for (const m of src.matchAll(/@(Get|Post|Put|Patch|Delete)\(\s*(?:'([^']*)')?\s*\)/g)) {
      const p = ['', base, m[2] ?? ''].filter((x, i) => i === 0 || x).join('/');
      routes.push(`${m[1].toUpperCase()} ${normalise(p)}`);
    }
  }
  return routes;
}

const normalise = (route: string) => route.replace(/\{[^}]*\}|:[A-Za-z]+/g, '{}').replace(/\/+/g, '/');

describe('security suite coverage', () => {
  it('has a row for every gateway route (add a row to SECURITY_ENDPOINTS for a new endpoint)', () => {
    const rows = new Set(SECURITY_ENDPOINTS.map((e) => normalise(e.name)));
    const routes = gatewayRoutes();
    expect(routes.length).toBeGreaterThanOrEqual(9);
    expect(routes.filter((r) => !rows.has(r))).toEqual([]);
  });
});
