import * as path from 'path';
import { controllerRoutes, normaliseRoute } from './controller-routes';
import { HOSTILE_ROUTES, type HostileApp } from './hostile-input-routes';

const APPS: HostileApp[] = ['gateway', 'issuer', 'verifier', 'wallet'];
const normalise = normaliseRoute;

/** Every route of every controller of an app, read from the source: `POST /v1/credentials/{}/accept`. */
const routesOf = (app: HostileApp): string[] => controllerRoutes(path.resolve(__dirname, '../../..', app, 'src'));

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
