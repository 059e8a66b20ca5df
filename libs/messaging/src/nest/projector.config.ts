import {
  IsInt,
  IsOptional,
  IsString,
  Max,
  Min,
  Validate,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { PlatformConfig, ToInt } from '@cep/platform';

/** Heartbeats at most a third of the session timeout (Kafka's rule of thumb): two may be lost before eviction. */
@ValidatorConstraint({ name: 'heartbeatWithinSession' })
export class HeartbeatWithinSession implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    return typeof value === 'number' && value * 3 <= (args.object as ProjectorConfig).KAFKA_SESSION_TIMEOUT_MS;
  }
  defaultMessage(): string {
    return 'KAFKA_HEARTBEAT_INTERVAL_MS must be at most a third of KAFKA_SESSION_TIMEOUT_MS';
  }
}

/** The rebalance timeout is never shorter than the session timeout (the broker would use the longer anyway). */
@ValidatorConstraint({ name: 'rebalanceAtLeastSession' })
export class RebalanceAtLeastSession implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    return typeof value === 'number' && value >= (args.object as ProjectorConfig).KAFKA_SESSION_TIMEOUT_MS;
  }
  defaultMessage(): string {
    return 'KAFKA_REBALANCE_TIMEOUT_MS must be at least KAFKA_SESSION_TIMEOUT_MS';
  }
}

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

  /**
   * How long the group coordinator waits for a silent member (a SIGKILLed pod) before its partitions go to the
   * others: the floor of the recovery time after a crash (docs/operations.md "Recovery after a crash"). Within
   * the broker's group.min/max.session.timeout.ms (6 s / 30 min by default). 6 s: a crashed instance's partitions
   * are taken over in about 7-8 s; a live instance is evicted only after 6 missed 1 s heartbeats (batches heartbeat
   * too, so a long transaction or a locked table does not evict it).
   */
  @ToInt()
  @IsInt()
  @Min(6000)
  @Max(300000)
  KAFKA_SESSION_TIMEOUT_MS = 6000;

  /** Heartbeat period, also inside long batches; at most a third of the session timeout. */
  @ToInt()
  @IsInt()
  @Min(100)
  @Validate(HeartbeatWithinSession)
  KAFKA_HEARTBEAT_INTERVAL_MS = 1000;

  /**
   * How long a rebalance waits for the live members to rejoin (a member in a batch rejoins when the batch ends;
   * batches heartbeat and are bounded by the lock timeout). At least the session timeout.
   */
  @ToInt()
  @IsInt()
  @Max(600000)
  @Validate(RebalanceAtLeastSession)
  KAFKA_REBALANCE_TIMEOUT_MS = 30000;

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
