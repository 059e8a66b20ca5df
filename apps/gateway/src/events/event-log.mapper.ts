import type { EventLogGroup, EventLogPage } from '@cep/event-log';
import { EventLogGroupDto, EventLogPageDto, type SessionEventDto } from './event-log-response.dto';

/**
 * Read model → response bodies of the event log API. Events are returned as stored: the read model keeps each
 * one in the published field order of the reference API, which rebuilding it field by field would not promise
 * for the type-specific fields.
 */
export function mapEventLogPage(p: EventLogPage): EventLogPageDto {
  return Object.assign(new EventLogPageDto(), { items: p.items as unknown as SessionEventDto[], nextCursor: p.nextCursor });
}

export function mapEventLogGroups(groups: EventLogGroup[]): EventLogGroupDto[] {
  return groups.map((g) => Object.assign(new EventLogGroupDto(), { _id: g._id, count: g.count }));
}
