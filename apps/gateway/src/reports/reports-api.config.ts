import { createHmac } from 'crypto';
import { IsIn, IsOptional, IsString, MinLength } from 'class-validator';
import { ConfigError, DEV_JWT_SECRET } from '@cep/platform';

/** Settings of the reports API (environment variables), validated at gateway startup. */
export class ReportsApiConfig {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  /** HMAC key that signs pagination cursors (≥ 32 characters). Unset: derived from AUTH_JWT_SECRET. */
  @IsOptional()
  @IsString()
  @MinLength(32)
  REPORTS_CURSOR_SECRET?: string;

  @IsString()
  AUTH_JWT_SECRET = DEV_JWT_SECRET;
}

/**
 * The cursor key: REPORTS_CURSOR_SECRET, or else a key derived from AUTH_JWT_SECRET
 * (HMAC-SHA256(AUTH_JWT_SECRET, "cep.reports.cursor"), so deployments need no extra secret). In production a key
 * that would come from the public dev JWT secret is refused at startup.
 */
export function reportsCursorSecret(cfg: ReportsApiConfig): string {
  if (cfg.REPORTS_CURSOR_SECRET) return cfg.REPORTS_CURSOR_SECRET;
  if (cfg.NODE_ENV === 'production' && cfg.AUTH_JWT_SECRET === DEV_JWT_SECRET) {
    throw new ConfigError('set REPORTS_CURSOR_SECRET (or a non-default AUTH_JWT_SECRET) when NODE_ENV=production: report cursors would be signed with a public key');
  }
  return createHmac('sha256', cfg.AUTH_JWT_SECRET).update('cep.reports.cursor').digest('base64url');
}
