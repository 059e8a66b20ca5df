import { IsInt, Max, Min } from 'class-validator';
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
  // CORS_ORIGINS, THROTTLE_* and HTTP_TRUST_PROXY_HOPS: PlatformConfig (shared with the producers).
}
