import { IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min } from 'class-validator';
import { PlatformConfig, ToInt } from '@cep/platform';

export class GatewayConfig extends PlatformConfig {
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT = 3000;

  /** Maximum JSON body size in bytes. */
  @ToInt()
  @IsInt()
  @Min(1024)
  HTTP_BODY_LIMIT_BYTES = 64 * 1024;
  /**
   * `on` (default): each request's read-model queries run in one READ ONLY transaction as GATEWAY_DB_ROLE with
   * `app.organisation_id` set (PostgreSQL row-level security, docs/security.md). `off`: straight on the pool as the
   * connection's role (no second wall; only to measure the cost of RLS, `npm run bench`).
   */
  @IsIn(['on', 'off'])
  GATEWAY_RLS: 'on' | 'off' = 'on';

  /** The role the tenant sessions start as (NOLOGIN, no BYPASSRLS, created by the migrations); the login role must be a member. */
  @IsString()
  @Matches(/^[a-z_][a-z0-9_]{0,62}$/)
  GATEWAY_DB_ROLE = 'cep_gateway';

  /**
   * Directory of the analyst console's production build (`npm run console:build`), served at `/console`
   * (docs/console.md). Relative paths are resolved against the working directory; missing → `/console` is a 404.
   */
  @IsString()
  CONSOLE_DIR = 'dist/console';

  /** OpenID Connect issuer the console signs in against (authorization code + PKCE); unset → no OIDC sign-in. */
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  CONSOLE_OIDC_ISSUER?: string;

  /** The console's client id at that issuer (a public client: no secret). */
  @IsOptional()
  @IsString()
  CONSOLE_OIDC_CLIENT_ID?: string;

  /** Scopes the console asks for. */
  @IsString()
  CONSOLE_OIDC_SCOPE = 'openid history:read activity:read reports:read events:read';

  /** Optional `resource` (RFC 8707) sent with the authorization and token requests (the gateway's audience). */
  @IsOptional()
  @IsString()
  CONSOLE_OIDC_RESOURCE?: string;

  // CORS_ORIGINS, THROTTLE_* and HTTP_TRUST_PROXY_HOPS: PlatformConfig (shared with the producers).
}
