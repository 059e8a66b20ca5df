import { Controller, Get, Headers, Query, Req, Res } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'http';
import { CurrentPrincipal, RequireScopes, type Principal } from '@cep/auth';
import { assertValidFilter, parseStreamPosition } from '@cep/event-log';
import { assertSameOrganisation } from '../common/tenant';
import { EventLogStreamService } from './event-log-stream.service';
import { EventStreamQueryDto, toEventLogFilter } from './event-filter.dto';

/**
 * `GET /v1/events/stream`: Server-Sent Events of the caller's organisation's new events, same filters as the
 * query (as query parameters). Each event carries `id: <seq>`; reconnect with `Last-Event-ID` (or
 * `?lastEventId=`) to receive everything after it, exactly once.
 */
@Controller('v1/events')
export class EventLogStreamController {
  constructor(private readonly streams: EventLogStreamService) {}

  @Get('stream')
  @RequireScopes('events:read')
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
