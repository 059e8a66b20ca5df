import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
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

  /** Comma-separated allowed CORS origins; CORS is off when unset. */
  @IsOptional()
  @IsString()
  CORS_ORIGINS?: string;
}
