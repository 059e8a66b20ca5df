import * as path from 'path';
import { controllerRoutes, normaliseRoute } from './controller-routes';
import { SECURITY_ENDPOINTS } from './security-endpoints';

/** Every route of every gateway controller, read from the source: `GET /api/history/v1/{}`. */
const gatewayRoutes = (): string[] => controllerRoutes(path.resolve(__dirname, '..'));

const normalise = normaliseRoute;

describe('security suite coverage', () => {
  it('has a row for every gateway route (add a row to SECURITY_ENDPOINTS for a new endpoint)', () => {
    const rows = new Set(SECURITY_ENDPOINTS.map((e) => normalise(e.name)));
    const routes = gatewayRoutes();
    expect(routes.length).toBeGreaterThanOrEqual(9);
    expect(routes.filter((r) => !rows.has(r))).toEqual([]);
  });
});
