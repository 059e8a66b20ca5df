import { Body, Controller, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { CurrentPrincipal, RequireScopes, type Principal } from '@cep/auth';
import { EventLogQueryService } from '@cep/event-log';
import { ApiErrors, ApiQueryFrom, TenantDatabase, validationFailed } from '@cep/platform';
import { assertSameOrganisation } from '../common/tenant';
import { EventQueryBodyDto, EventQueryParamsDto, toEventLogFilter } from './event-filter.dto';
import { EventLogGroupDto, EventLogPageDto, VERIFICATION_EVENT_EXAMPLE } from './event-log-response.dto';
import { mapEventLogGroups, mapEventLogPage } from './event-log.mapper';

export const DEFAULT_EVENT_QUERY_LIMIT = 100;

/** `POST /v1/events/query`: the raw session events (seed 001 shape), newest first, or grouped counts with `?groupBy=`. */
@ApiTags('event log')
@ApiExtraModels(EventLogPageDto, EventLogGroupDto)
@Controller('v1/events')
export class EventLogQueryController {
  private readonly service: EventLogQueryService;

  constructor(@Inject(TenantDatabase) db: TenantDatabase) {
    this.service = new EventLogQueryService(db);
  }

  @Post('query')
  @HttpCode(200)
  @RequireScopes('events:read')
  @ApiOperation({ summary: 'Verification, issuance, key, DID and wallet events, newest first; or counts per value with `groupBy`', description: 'See docs/event-log.md.' })
  @ApiQueryFrom(EventQueryParamsDto, { groupBy: 'field path to count by: answers `[{_id, count}]` instead of a page' })
  @ApiBody({
    type: EventQueryBodyDto,
    examples: {
      failures: { summary: 'failed verifications of one verifier', value: { eventType: ['VerificationEvent'], status: ['Failure'], target: ['acme.customer.verifier1'], limit: 50 } },
      window: { summary: 'a time window', value: { fromTimestamp: 1741219200000, toTimestamp: 1741305599999 } },
    },
  })
  @ApiOkResponse({
    description: 'a page of events, or with `groupBy` the groups, largest count first',
    content: {
      'application/json': {
        schema: { oneOf: [{ $ref: getSchemaPath(EventLogPageDto) }, { type: 'array', items: { $ref: getSchemaPath(EventLogGroupDto) } }] },
        examples: {
          page: { value: { items: [VERIFICATION_EVENT_EXAMPLE], nextCursor: null } },
          groups: { value: [{ _id: 'Success', count: 30 }, { _id: 'Open', count: 8 }, { _id: 'Failure', count: 2 }] },
        },
      },
    },
  })
  @ApiErrors(400)
  async query(
    @CurrentPrincipal() p: Principal,
    @Body() body: EventQueryBodyDto,
    @Query() params: EventQueryParamsDto,
  ): Promise<EventLogPageDto | EventLogGroupDto[]> {
    assertSameOrganisation(p, body.organization);
    const filter = toEventLogFilter(body);
    if (params.groupBy !== undefined) {
      if (body.cursor !== undefined) {
        throw validationFailed([{ value: body.cursor, msg: 'cursor is not used with groupBy', param: 'cursor', location: 'body' }], 'cursor: cursor is not used with groupBy');
      }
      return mapEventLogGroups(await this.service.groupBy(p.organisationId, filter, params.groupBy, body.limit));
    }
    return mapEventLogPage(await this.service.query(p.organisationId, filter, { limit: body.limit ?? DEFAULT_EVENT_QUERY_LIMIT, cursor: body.cursor }));
  }
}
