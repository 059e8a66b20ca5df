import { ReadModelError, type ReadErrorDetail } from '@cep/platform';

export enum EventLogErrorCode {
  InvalidCursor = 'EVENT_LOG_INVALID_CURSOR',
  InvalidRange = 'EVENT_LOG_INVALID_RANGE',
  InvalidGroupBy = 'EVENT_LOG_INVALID_GROUP_BY',
  InvalidEventId = 'EVENT_LOG_INVALID_EVENT_ID',
}

/** Typed error of the event-log queries; the gateway maps it once to a 400 naming the offending field. */
export class EventLogError extends ReadModelError<EventLogErrorCode> {
  static invalidInput(code: EventLogErrorCode, param: string, value: unknown, msg: string, location?: ReadErrorDetail['location']): EventLogError {
    return new EventLogError(code, `${param}: ${msg}`, [{ value, msg, param, location }]);
  }
}
