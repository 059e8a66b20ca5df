import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './gateway-api.generated';

export type GatewayPaths = paths;
export type GatewaySchemas = components['schemas'];
/** JSON responses typed; routes that also answer CSV (reports) give text with `parseAs: 'text'`. */
export type GatewayClient = Client<paths, 'application/json'>;

/**
 * Typed client of the gateway's read API, from the types openapi-typescript generated from the document the
 * gateway serves (`gateway-api.generated.ts`, refreshed by `npm run contracts:generate`): paths, parameters and
 * bodies are checked by the compiler, responses are typed per status. Uses the global `fetch`, which the e2e tier
 * replaces with the OpenAPI-checked one, so every call is also validated against the served document.
 */
export function gatewayClient(baseUrl: string, token?: string): GatewayClient {
  return createClient<paths, 'application/json'>({ baseUrl, headers: token ? { authorization: `Bearer ${token}` } : {} });
}
