import { Controller, Get, Inject, Optional } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TerminusModule, type HealthIndicatorResult } from '@nestjs/terminus';
import { ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Public } from './public.decorator';
import { pendingMigrations, SCHEMA_MIGRATIONS } from '../schema-migrations';

/** Readiness probe contributed by a component (consumer joined, relay running, ...). */
export abstract class ReadinessCheck {
  abstract readonly name: string;
  abstract isReady(): Promise<boolean> | boolean;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

/**
 * `@nestjs/terminus` for the module that declares {@link HealthController}: add it to that module's `imports`.
 * Terminus' own error log is off (a 503 body already carries the details; the probes would flood the log).
 */
export const HealthModule = TerminusModule.forRoot({ logger: false });

/** The migrations `/health/ready` requires (default: every migration of the build, {@link SCHEMA_MIGRATIONS}). */
export const EXPECTED_MIGRATIONS = Symbol('EXPECTED_MIGRATIONS');

/**
 * `/health/live`: the process serves HTTP. `/health/ready`: the database answers, its schema is at this build's
 * migrations (`schema`: down with the pending names while the migration Job has not run them) and every
 * contributed {@link ReadinessCheck} is up (projectors: consumer joined its group, which needs the broker);
 * otherwise 503 with terminus' `{status, info, error, details}` body.
 */
/** terminus' body: `{status, info, error, details}`, one entry per check (`database`, components). */
export class HealthResponseDto {
  @ApiProperty({ enum: ['ok', 'error', 'shutting_down'], example: 'ok' })
  status!: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { database: { status: 'up' } } })
  info?: Record<string, unknown>;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: {} })
  error?: Record<string, unknown>;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { database: { status: 'up' } } })
  details!: Record<string, unknown>;
}

@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(HealthIndicatorService) private readonly indicators: HealthIndicatorService,
    @Inject(DataSource) private readonly ds: DataSource,
    @Optional() @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[] = [],
    @Optional() @Inject(EXPECTED_MIGRATIONS) private readonly migrations: readonly string[] = SCHEMA_MIGRATIONS,
  ) {}

  @Get('live')
  @HealthCheck()
  @ApiOkResponse({ type: HealthResponseDto, description: 'the process serves HTTP' })
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  @ApiOkResponse({ type: HealthResponseDto, description: 'the database (schema migrated) and every component are up' })
  @ApiServiceUnavailableResponse({ type: HealthResponseDto, description: 'a check is down (named in `error`; `schema`: migrations pending)' })
  ready() {
    return this.health.check([() => this.database(), () => this.schema(), ...(this.checks ?? []).map((c) => () => this.component(c))]);
  }

  private async database(): Promise<HealthIndicatorResult> {
    const s = this.indicators.check('database');
    try {
      await this.ds.query('SELECT 1');
      return s.up();
    } catch (err) {
      return s.down({ message: (err as Error).message });
    }
  }

  /** Down while the database is behind this build: a rolling upgrade keeps the old pods until the migration Job ran. */
  private async schema(): Promise<HealthIndicatorResult> {
    const s = this.indicators.check('schema');
    try {
      const pending = await pendingMigrations(this.ds, this.migrations ?? SCHEMA_MIGRATIONS);
      return pending.length ? s.down({ message: 'database migrations pending', pending }) : s.up();
    } catch (err) {
      return s.down({ message: (err as Error).message });
    }
  }

  private async component(c: ReadinessCheck): Promise<HealthIndicatorResult> {
    const s = this.indicators.check(c.name);
    const ok = await Promise.resolve(c.isReady()).catch(() => false);
    return ok ? s.up() : s.down();
  }
}
