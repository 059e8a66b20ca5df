import { Controller, Get, Headers, Query, Req, Res } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'http';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireScopes, type Principal } from '@cep/auth';
import { ApiErrors, ApiQueryFrom } from '@cep/platform';
import { assertValidFilter, parseStreamPosition } from '@cep/event-log';
import { assertSameOrganisation } from '../common/tenant';
import { EventLogStreamService } from './event-log-stream.service';
import { EventStreamQueryDto, toEventLogFilter } from './event-filter.dto';

/**
 * `GET /v1/events/stream`: Server-Sent Events of the caller's organisation's new events, same filters as the
 * query (as query parameters). Each event carries `id: <seq>`; reconnect with `Last-Event-ID` (or
 * `?lastEventId=`) to receive everything after it, exactly once.
 */
@ApiTags('event log')
@Controller('v1/events')
export class EventLogStreamController {
  constructor(private readonly streams: EventLogStreamService) {}

  @Get('stream')
  @RequireScopes('events:read')
  @ApiOperation({ summary: 'Live Server-Sent Events of the organisation\'s new events (same filters as the query, as query parameters)' })
  @ApiQueryFrom(EventStreamQueryDto, { lastEventId: 'resume after this event id (the `Last-Event-ID` header wins)' })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'resume after this event id (SSE reconnect)', schema: { type: 'string', pattern: '^\\d{1,19}$' } })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: 'an endless `text/event-stream`: `id: <seq>` + `data: <event JSON>` per event (the query\'s item shape), `: ping` comments while idle',
    content: { 'text/event-stream': { schema: { type: 'string' }, example: `id: 42\ndata: {"type":"cep.events.VerificationEvent","eventType":"VerificationEvent",…}\n\n` } },
  })
  @ApiErrors(400)
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
    const after =
      lastEventIdHeader !== undefined && lastEventIdHeader !== ''
        ? parseStreamPosition(lastEventIdHeader, 'Last-Event-ID')
        : q.lastEventId !== undefined
          ? parseStreamPosition(q.lastEventId, 'lastEventId')
          : undefined;
    await this.streams.start(req, res, { organisationId: p.organisationId, filter, after });
  }
}
