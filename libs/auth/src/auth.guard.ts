import {
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  SetMetadata,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PUBLIC_KEY } from '@cep/platform';
import { AuthError, TokenVerifier, type Principal } from './token-verifier';

export const SCOPES_KEY = 'cep:scopes';

/** Scopes required by a handler (all of them). */
export const RequireScopes = (...scopes: string[]) => SetMetadata(SCOPES_KEY, scopes);

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
      if (err instanceof AuthError) throw new UnauthorizedException(err.message);
      throw err;
    }
    const needed = this.reflector.getAllAndOverride<string[]>(SCOPES_KEY, targets) ?? [];
    const missing = needed.filter((s) => !principal.scopes.has(s));
    if (missing.length) throw new ForbiddenException(`missing scope: ${missing.join(' ')}`);
    req.principal = principal;
    return true;
  }
}
