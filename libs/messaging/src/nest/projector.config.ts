import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { PlatformConfig, ToInt } from '@cep/platform';

export class ProjectorConfig extends PlatformConfig {
  /** HTTP port for /health/live, /health/ready and /metrics. */
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(65535)
  METRICS_PORT = 9464;

  @IsOptional()
  @IsString()
  KAFKA_GROUP_ID?: string;

  @ToInt()
  @IsInt()
  @Min(6000)
  KAFKA_SESSION_TIMEOUT_MS = 30000;

  @ToInt()
  @IsInt()
  @Min(1024)
  KAFKA_MAX_BYTES_PER_PARTITION = 1048576;

  @ToInt()
  @IsInt()
  @Min(100)
  PROJECTION_LOCK_TIMEOUT_MS = 5000;

  /**
   * Partitions whose batches are applied in parallel, each in its own transaction on its own connection
   * (bounded by the partitions assigned to the instance and by DATABASE_POOL_MAX). 1 = sequential.
   */
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(64)
  PROJECTION_PARTITION_CONCURRENCY = 3;
}
