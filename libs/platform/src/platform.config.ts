import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';
import { ToBool, ToInt, ToList } from './config';

export const DEV_JWT_SECRET = 'cep-dev-secret-change-me-0123456789abcdef';

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
}
