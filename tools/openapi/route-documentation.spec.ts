import 'reflect-metadata';
import { METHOD_METADATA, MODULE_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod, type Type } from '@nestjs/common';
import { PUBLIC_KEY } from '@cep/platform';
import { GatewayModule } from '../../apps/gateway/src/gateway.module';
import { IssuerModule } from '../../apps/issuer/src/issuer.module';
import { VerifierModule } from '../../apps/verifier/src/verifier.module';
import { WalletModule } from '../../apps/wallet/src/wallet.module';

// Keys under which @nestjs/swagger stores what it documents (its decorators' metadata).
const RESPONSES = 'swagger/apiResponse';
const SECURITY = 'swagger/apiSecurity';

interface Route {
  app: string;
  route: string;
  responses: Record<string, unknown>;
  security: unknown[];
  isPublic: boolean;
}

function controllersOf(module: unknown, seen = new Set<unknown>()): Type[] {
  const m = (module as { module?: unknown })?.module ?? module;
  if (!m || seen.has(m)) return [];
  seen.add(m);
  const own = (Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, m as object) ?? []) as Type[];
  const dynamic = ((module as { controllers?: Type[] }).controllers ?? []) as Type[];
  const imports = [
    ...((Reflect.getMetadata(MODULE_METADATA.IMPORTS, m as object) ?? []) as unknown[]),
    ...(((module as { imports?: unknown[] }).imports ?? []) as unknown[]),
  ];
  return [...own, ...dynamic, ...imports.flatMap((i) => controllersOf(i, seen))];
}

function routesOf(app: string, module: unknown): Route[] {
  return [...new Set(controllersOf(module))].flatMap((controller) => {
    const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
    return Object.getOwnPropertyNames(controller.prototype)
      .map((key) => [key, controller.prototype[key]] as const)
      .filter(([key, fn]) => key !== 'constructor' && typeof fn === 'function' && Reflect.getMetadata(METHOD_METADATA, fn) !== undefined)
      .map(([key, fn]) => ({
        app,
        route: `${RequestMethod[Reflect.getMetadata(METHOD_METADATA, fn) as number]} /${base}/${String(Reflect.getMetadata(PATH_METADATA, fn) ?? '')} (${controller.name}.${key})`,
        responses: { ...(Reflect.getMetadata(RESPONSES, controller) ?? {}), ...(Reflect.getMetadata(RESPONSES, fn) ?? {}) },
        security: [...(Reflect.getMetadata(SECURITY, controller) ?? []), ...(Reflect.getMetadata(SECURITY, fn) ?? [])],
        isPublic: Boolean(Reflect.getMetadata(PUBLIC_KEY, fn) ?? Reflect.getMetadata(PUBLIC_KEY, controller)),
      }));
  });
}

const APPS = { gateway: GatewayModule, issuer: IssuerModule, verifier: VerifierModule, wallet: WalletModule };
const routes = Object.entries(APPS).flatMap(([app, module]) => routesOf(app, module));

describe('every HTTP route is documented in OpenAPI', () => {
  it('finds the routes of every app', () => {
    for (const app of Object.keys(APPS)) expect(routes.filter((r) => r.app === app).length).toBeGreaterThan(3);
  });

  it.each(routes.map((r) => [`${r.app}: ${r.route}`, r] as const))('%s documents a success response', (_, r) => {
    expect(Object.keys(r.responses).filter((s) => /^2\d\d$/.test(s))).not.toHaveLength(0);
  });

  it.each(routes.filter((r) => !r.isPublic).map((r) => [`${r.app}: ${r.route}`, r] as const))(
    '%s documents its bearer scopes, 401 and 403',
    (_, r) => {
      expect(r.security).toEqual(expect.arrayContaining([{ bearer: expect.arrayContaining([expect.any(String)]) }]));
      expect(Object.keys(r.responses)).toEqual(expect.arrayContaining(['401', '403']));
    },
  );

  it.each(routes.filter((r) => !r.isPublic).map((r) => [`${r.app}: ${r.route}`, r] as const))('%s documents its 400', (_, r) => {
    expect(Object.keys(r.responses)).toContain('400');
  });
});
