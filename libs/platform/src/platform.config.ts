import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  Min,
  MinLength,
  Validate,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { ToBool, ToInt, ToList } from './config';

export const DEV_JWT_SECRET = 'cep-dev-secret-change-me-0123456789abcdef';

/**
 * Refuses the well-known dev secret when NODE_ENV=production and no JWKS URL is configured:
 * anyone who read the source could mint tokens for any organisation. Checked at config load,
 * so every app (gateway, producers, projectors) fails fast at startup.
 */
@ValidatorConstraint({ name: 'notDevSecretInProduction' })
export class NotDevSecretInProduction implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    const cfg = args.object as PlatformConfig;
    if (cfg.NODE_ENV !== 'production' || cfg.AUTH_JWKS_URL) return true;
    return value !== DEV_JWT_SECRET;
  }
  defaultMessage(): string {
    return 'AUTH_JWT_SECRET is the public dev default; set a secret of your own (or AUTH_JWKS_URL) when NODE_ENV=production';
  }
}

/**
 * Settings shared by every app. Each property is an environment variable; the defaults run locally.
 * Apps extend this class with their own (port, consumer group, ...). See README "Configuration".
 */
export class PlatformConfig {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  @IsIn(['debug', 'info', 'warn', 'error'])
  LOG_LEVEL: 'debug' | 'info' | 'warn' | 'error' = 'info';

  // --- PostgreSQL
  @IsString()
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/cep';

  @ToBool()
  @IsBoolean()
  DATABASE_SSL = false;

  /** PEM of the CA to trust for DATABASE_SSL (optional; the system store otherwise). */
  @IsOptional()
  @IsString()
  DATABASE_SSL_CA?: string;

  @ToBool()
  @IsBoolean()
  DATABASE_SSL_REJECT_UNAUTHORIZED = true;

  @ToInt()
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_MAX = 10;

  /** Server-side statement timeout for every query (ms); 0 disables. */
  @ToInt()
  @IsInt()
  @Min(0)
  DATABASE_STATEMENT_TIMEOUT_MS = 30000;

  // --- Kafka
  @ToList()
  @IsString({ each: true })
  KAFKA_BROKERS: string[] = ['127.0.0.1:9092'];

  @IsString()
  KAFKA_CLIENT_ID = 'cep';

  @ToBool()
  @IsBoolean()
  KAFKA_SSL = false;

  @IsOptional()
  @IsString()
  KAFKA_SSL_CA?: string;

  @IsOptional()
  @IsIn(['plain', 'scram-sha-256', 'scram-sha-512', 'oauthbearer'])
  KAFKA_SASL_MECHANISM?: 'plain' | 'scram-sha-256' | 'scram-sha-512' | 'oauthbearer';

  @IsOptional()
  @IsString()
  KAFKA_SASL_USERNAME?: string;

  @IsOptional()
  @IsString()
  KAFKA_SASL_PASSWORD?: string;

  /** OAUTHBEARER: a static bearer token, or a token endpoint for client credentials. */
  @IsOptional()
  @IsString()
  KAFKA_SASL_OAUTH_TOKEN?: string;

  // --- Authentication
  @IsString()
  @MinLength(32)
  @Validate(NotDevSecretInProduction)
  AUTH_JWT_SECRET = DEV_JWT_SECRET;

  @IsOptional()
  @IsString()
  AUTH_JWKS_URL?: string;

  @IsOptional()
  @IsString()
  AUTH_ISSUER?: string;

  @IsOptional()
  @IsString()
  AUTH_AUDIENCE?: string;

  // --- HTTP API description (gateway and producers)
  /** Serve `GET /openapi.json` and `GET /docs`. Unset: on, except with NODE_ENV=production (then off unless `true`). */
  @IsOptional()
  @ToBool()
  @IsBoolean()
  OPENAPI_ENABLED?: boolean;

  // --- HTTP hardening (gateway and producers)
  /** Comma-separated allowed CORS origins; CORS is off when unset. */
  @IsOptional()
  @IsString()
  CORS_ORIGINS?: string;

  /** Rate limit per bearer token (per client IP without a valid token): THROTTLE_LIMIT requests per THROTTLE_TTL_MS. 0 disables. */
  @ToInt()
  @IsInt()
  @Min(0)
  THROTTLE_LIMIT = 6000;

  @ToInt()
  @IsInt()
  @Min(1000)
  THROTTLE_TTL_MS = 60000;

  /** Trust X-Forwarded-For from this many proxy hops (the ingress) for the client IP; 0 trusts none. */
  @ToInt()
  @IsInt()
  @Min(0)
  @Max(10)
  HTTP_TRUST_PROXY_HOPS = 0;
}
