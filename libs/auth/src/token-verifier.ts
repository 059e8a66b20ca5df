import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';

export const SCOPES = ['history:read', 'activity:read', 'reports:read', 'events:read', 'events:write'] as const;
export type Scope = (typeof SCOPES)[number];

/** The authenticated caller: the tenant comes from the token only. */
export interface Principal {
  organisationId: string;
  scopes: Set<string>;
  subject?: string;
  tokenId?: string;
}

export class AuthError extends Error {
  constructor(
    readonly status: 401 | 403,
    message: string,
  ) {
    super(message);
  }
}

export interface TokenVerifierOptions {
  jwtSecret?: string;
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  clockToleranceSec?: number;
  /** Clock (epoch ms) for the `iat` check; the system clock by default. */
  now?: () => number;
}

/** An organisation id: a UUID (any version), compared in lowercase. */
const ORG_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Verifies bearer JWTs: RS256/ES256 against a JWKS URL (production) or HS256 with a shared secret (local).
 * Checks exp and nbf always, `iat` not in the future (beyond the clock tolerance), iss and aud when configured.
 * Claims: `org` (tenant, a UUID: anything else is a 401), `scope` (space-separated).
 */
export class TokenVerifier {
  private readonly jwks?: JWTVerifyGetKey;
  private readonly secret?: Uint8Array;

  constructor(private readonly opts: TokenVerifierOptions) {
    if (opts.jwksUrl) this.jwks = createRemoteJWKSet(new URL(opts.jwksUrl), { cooldownDuration: 30000, cacheMaxAge: 600000 });
    else if (opts.jwtSecret) this.secret = new TextEncoder().encode(opts.jwtSecret);
    else throw new Error('AUTH_JWKS_URL or AUTH_JWT_SECRET is required');
  }

  async verify(authorization: string | undefined): Promise<Principal> {
    if (!authorization) throw new AuthError(401, 'missing bearer token');
    const m = /^Bearer\s+([A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]*)$/.exec(authorization.trim());
    if (!m) throw new AuthError(401, 'malformed authorization header');
    let payload: JWTPayload;
    const tolerance = this.opts.clockToleranceSec ?? 5;
    try {
      const common = {
        issuer: this.opts.issuer,
        audience: this.opts.audience,
        clockTolerance: tolerance,
        requiredClaims: ['exp'],
      };
      payload = this.jwks
        ? (await jwtVerify(m[1], this.jwks, { ...common, algorithms: ['RS256', 'ES256'] })).payload
        : (await jwtVerify(m[1], this.secret!, { ...common, algorithms: ['HS256'] })).payload;
    } catch (err) {
      throw new AuthError(401, `invalid token: ${(err as { code?: string }).code ?? 'verification failed'}`);
    }
    // jose checks `iat` only with maxTokenAge: a token issued in the future (beyond the clock tolerance) is refused here.
    const nowSec = Math.floor((this.opts.now?.() ?? Date.now()) / 1000);
    if (typeof payload.iat === 'number' && payload.iat > nowSec + tolerance) throw new AuthError(401, 'invalid token: iat is in the future');
    const org = payload.org;
    if (typeof org !== 'string' || !org) throw new AuthError(401, 'token has no org claim');
    // Organisation ids are UUIDs everywhere (streams, read models, RLS settings): anything else is not a tenant.
    if (!ORG_ID.test(org)) throw new AuthError(401, 'token org claim is not a UUID');
    const scope = typeof payload.scope === 'string' ? payload.scope : '';
    return {
      organisationId: org.toLowerCase(),
      scopes: new Set(scope.split(' ').filter(Boolean)),
      subject: payload.sub,
      tokenId: payload.jti,
    };
  }
}
