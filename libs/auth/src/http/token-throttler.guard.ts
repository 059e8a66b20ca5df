import { Inject, Injectable, Optional, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectThrottlerOptions, InjectThrottlerStorage, ThrottlerGuard, type ThrottlerModuleOptions, type ThrottlerStorage } from '@nestjs/throttler';
import { createHash } from 'crypto';
import { PUBLIC_KEY } from '@cep/platform';
import { TokenVerifier, type Principal } from '../token-verifier';

/** The rate-limit key of an authenticated caller: organisation + subject (every token of that caller shares it). */
export function principalTracker(p: Pick<Principal, 'organisationId' | 'subject'>): string {
  return `principal:${JSON.stringify([p.organisationId, p.subject ?? null])}`;
}

/**
 * Rate limit per caller (organisation + token subject): one budget across every endpoint of the service, however
 * many tokens the caller mints; a request without a valid token is counted against its client IP (so floods of
 * garbage tokens are limited too).
 * Health and metrics (public endpoints, probed by the orchestrator) are not limited.
 * On excess: 429 with `Retry-After` (seconds) set by the base guard.
 */
@Injectable()
export class TokenThrottlerGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    @Optional() @Inject(TokenVerifier) private readonly verifier?: TokenVerifier,
  ) {
    super(options, storage, reflector);
  }

  protected override async shouldSkip(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    return this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, [ctx.getHandler(), ctx.getClass()]) === true;
  }

  protected override async getTracker(req: Record<string, any>): Promise<string> {
    const authorization: string | undefined = req.headers?.authorization;
    if (authorization && this.verifier) {
      const principal = await this.verifier.verify(authorization).catch(() => undefined);
      // Organisation + subject, not the token string: a freshly minted token of the same caller shares the budget.
      if (principal) return principalTracker(principal);
    }
    return `ip:${req.ip ?? req.socket?.remoteAddress ?? 'unknown'}`;
  }

  /** One budget per tracker for the whole service, not per handler. */
  protected override generateKey(_ctx: ExecutionContext, tracker: string, name: string): string {
    return createHash('sha256').update(`${name}:${tracker}`).digest('base64url');
  }
}
