import { Controller, Get, Headers, Query, Req, Res } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'http';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireScopes, type Principal } from '@cep/auth';
import { ApiErrors, ApiQueryFrom } from '@cep/platform';
import { assertValidFilter, parseStreamEventId } from '@cep/event-log';
import { assertSameOrganisation } from '../common/tenant';
import { EventLogStreamService } from './event-log-stream.service';
import { EventStreamQueryDto, toEventLogFilter } from './event-filter.dto';

/**
 * `GET /v1/events/stream`: Server-Sent Events of the caller's organisation's new events, same filters as the
 * query (as query parameters). Each event carries `id: <event id>` (its `_id`, never a global sequence number);
 * reconnect with `Last-Event-ID` (or `?lastEventId=`) to receive everything after it, exactly once.
 */
@ApiTags('event log')
@Controller('v1/events')
export class EventLogStreamController {
  constructor(private readonly streams: EventLogStreamService) {}

  @Get('stream')
  @RequireScopes('events:read')
  @ApiOperation({ summary: 'Live Server-Sent Events of the organisation\'s new events (same filters as the query, as query parameters)' })
  @ApiQueryFrom(EventStreamQueryDto, { lastEventId: 'resume after this event (its `_id`; the `Last-Event-ID` header wins)' })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'resume after this event (its `_id`, the SSE `id:`; SSE reconnect)', schema: { type: 'string', format: 'uuid' } })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: 'an endless `text/event-stream`: `id: <event _id>` + `data: <event JSON>` per event (the query\'s item shape), `: ping` comments while idle',
    content: { 'text/event-stream': { schema: { type: 'string' }, example: `id: 0193a4f2-7b00-7c11-8d22-3e4f5a6b7c8d\ndata: {"type":"cep.events.VerificationEvent","eventType":"VerificationEvent",…}\n\n` } },
  })
  @ApiErrors(400, 429, 503)
  async stream(
    @CurrentPrincipal() p: Principal,
    @Query() q: EventStreamQueryDto,
    @Headers('last-event-id') lastEventIdHeader: string | undefined,
    @Req() req: IncomingMessage,
    @Res() res: ServerResponse,
  ): Promise<void> {
    assertSameOrganisation(p, q.organization);
    const filter = toEventLogFilter(q);
    assertValidFilter(filter);
    const resume =
      lastEventIdHeader !== undefined && lastEventIdHeader !== ''
        ? { eventId: parseStreamEventId(lastEventIdHeader, 'Last-Event-ID'), param: 'Last-Event-ID' }
        : q.lastEventId !== undefined
          ? { eventId: parseStreamEventId(q.lastEventId, 'lastEventId'), param: 'lastEventId' }
          : undefined;
    await this.streams.start(req, res, { organisationId: p.organisationId, filter, resume });
  }
}
