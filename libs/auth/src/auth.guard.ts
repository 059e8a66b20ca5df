import {
  applyDecorators,
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  SetMetadata,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiSecurity } from '@nestjs/swagger';
import { ApiErrors, BEARER_SCHEME, PUBLIC_KEY } from '@cep/platform';
import { foreignOrganisationField } from './tenant';
import { AuthError, TokenVerifier, type Principal } from './token-verifier';

export const SCOPES_KEY = 'cep:scopes';

/**
 * Scopes required by a handler or every handler of a controller (all of them). Also documents the route in
 * OpenAPI: the bearer scheme with these scopes, and the guard's 401 and 403 responses.
 */
export const RequireScopes = (...scopes: string[]) =>
  applyDecorators(SetMetadata(SCOPES_KEY, scopes), ApiSecurity(BEARER_SCHEME, scopes), ApiErrors(401, 403));

/** The caller's principal, set by {@link AuthGuard}. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  return ctx.switchToHttp().getRequest().principal;
});

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = ctx.switchToHttp().getRequest();
    let principal: Principal;
    try {
      principal = await this.verifier.verify(req.headers?.authorization);
    } catch (err) {
      if (err instanceof AuthError) {
        ctx.switchToHttp().getResponse().setHeader?.('WWW-Authenticate', 'Bearer error="invalid_token"');
        throw new UnauthorizedException({ statusCode: 401, code: 'UNAUTHENTICATED', message: err.message });
      }
      throw err;
    }
    const needed = this.reflector.getAllAndOverride<string[]>(SCOPES_KEY, targets) ?? [];
    const missing = needed.filter((s) => !principal.scopes.has(s));
    if (missing.length) {
      throw new ForbiddenException({ statusCode: 403, code: 'INSUFFICIENT_SCOPE', message: `missing scope: ${missing.join(' ')}` });
    }
    // Tenant wall: the organisation comes from the token; a request naming another one is refused.
    for (const [location, source] of [['query', req.query], ['body', req.body], ['params', req.params]] as const) {
      const field = foreignOrganisationField(principal, source);
      if (field) {
        throw new ForbiddenException({
          statusCode: 403,
          code: 'FORBIDDEN_ORGANISATION',
          message: `the organisation named by ${location}.${field} is not the caller's organisation`,
        });
      }
    }
    req.principal = principal;
    return true;
  }
}
