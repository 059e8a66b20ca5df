import { Body, Controller, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CurrentPrincipal, RequireScopes, type Principal } from '@cep/auth';
import { EventLogQueryService, type EventLogGroup, type EventLogPage } from '@cep/event-log';
import { validationFailed } from '@cep/platform';
import { assertSameOrganisation } from '../common/tenant';
import { EventQueryBodyDto, EventQueryParamsDto, toEventLogFilter } from './event-filter.dto';

export const DEFAULT_EVENT_QUERY_LIMIT = 100;

/** `POST /v1/events/query`: the raw session events (seed 001 shape), newest first, or grouped counts with `?groupBy=`. */
@Controller('v1/events')
export class EventLogQueryController {
  private readonly service: EventLogQueryService;

  constructor(@Inject(DataSource) ds: DataSource) {
    this.service = new EventLogQueryService(ds);
  }

  @Post('query')
  @HttpCode(200)
  @RequireScopes('events:read')
  query(
    @CurrentPrincipal() p: Principal,
    @Body() body: EventQueryBodyDto,
    @Query() params: EventQueryParamsDto,
  ): Promise<EventLogPage | EventLogGroup[]> {
    assertSameOrganisation(p, body.organization);
    const filter = toEventLogFilter(body);
    if (params.groupBy !== undefined) {
      if (body.cursor !== undefined) {
        throw validationFailed([{ value: body.cursor, msg: 'cursor is not used with groupBy', param: 'cursor', location: 'body' }], 'cursor: cursor is not used with groupBy');
      }
      return this.service.groupBy(p.organisationId, filter, params.groupBy, body.limit);
    }
    return this.service.query(p.organisationId, filter, { limit: body.limit ?? DEFAULT_EVENT_QUERY_LIMIT, cursor: body.cursor });
  }
}
