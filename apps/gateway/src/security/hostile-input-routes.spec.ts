import * as fs from 'fs';
import * as path from 'path';
import { HOSTILE_ROUTES, type HostileApp } from './hostile-input-routes';

const APPS: HostileApp[] = ['gateway', 'issuer', 'verifier', 'wallet'];
const normalise = (route: string) => route.replace(/\{[^}]*\}|:[A-Za-z]+/g, '{}').replace(/\/+/g, '/');

/** Every route of every controller of an app, read from the source: `POST /v1/credentials/{}/accept`. */
function routesOf(app: HostileApp): string[] {
  const root = path.resolve(__dirname, '../../..', app, 'src');
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

describe('hostile-input suite coverage', () => {
  it.each(APPS)('has a row for every route of %s (add a row to HOSTILE_ROUTES for a new endpoint)', (app) => {
    const rows = new Set(HOSTILE_ROUTES.filter((r) => r.app === app).map((r) => normalise(r.name)));
    const routes = routesOf(app);
    expect(routes.length).toBeGreaterThanOrEqual(app === 'gateway' ? 9 : 10);
    expect(routes.filter((r) => !rows.has(r))).toEqual([]);
  });

  it('has no row for a route that does not exist (a renamed route must not leave a stale row)', () => {
    const all = new Set(APPS.flatMap((app) => routesOf(app).map((r) => `${app} ${r}`)));
    expect(HOSTILE_ROUTES.map((r) => `${r.app} ${normalise(r.name)}`).filter((r) => !all.has(r))).toEqual([]);
  });
});
