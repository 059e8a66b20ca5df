import { Controller, Get, HttpCode, Inject, Optional, ServiceUnavailableException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Public } from './public.decorator';

/** Readiness probe contributed by a component (consumer joined, relay running, ...). */
export abstract class ReadinessCheck {
  abstract readonly name: string;
  abstract isReady(): Promise<boolean> | boolean;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

@Public()
@Controller('health')
export class HealthController {
  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Optional() @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[] = [],
  ) {}

  @Get('live')
  @HttpCode(200)
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready() {
    const details: Record<string, 'up' | 'down'> = {};
    try {
      await this.ds.query('SELECT 1');
      details.database = 'up';
    } catch {
      details.database = 'down';
    }
    for (const c of this.checks ?? []) {
      details[c.name] = (await Promise.resolve(c.isReady()).catch(() => false)) ? 'up' : 'down';
    }
    const ok = Object.values(details).every((v) => v === 'up');
    if (!ok) throw new ServiceUnavailableException({ status: 'error', details });
    return { status: 'ok', details };
  }
}
