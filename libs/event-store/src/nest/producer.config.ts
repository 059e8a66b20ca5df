import { IsInt, Max, Min } from 'class-validator';
import { PlatformConfig, ToInt } from '@cep/platform';

export class ProducerConfig extends PlatformConfig {
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT = 3001;

  @ToInt()
  @IsInt()
  @Min(10)
  OUTBOX_POLL_INTERVAL_MS = 500;

  @ToInt()
  @IsInt()
  @Min(1)
  @Max(10000)
  OUTBOX_BATCH_SIZE = 500;

  /** Published outbox rows are deleted after this long (ms). */
  @ToInt()
  @IsInt()
  @Min(0)
  OUTBOX_RETENTION_MS = 24 * 3600 * 1000;

  /** Maximum JSON body size in bytes. */
  @ToInt()
  @IsInt()
  @Min(1024)
  HTTP_BODY_LIMIT_BYTES = 256 * 1024;
}
