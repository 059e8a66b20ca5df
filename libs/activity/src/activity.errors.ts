import { ReadModelError } from '@cep/platform';

export enum ActivityErrorCode {
  NotFound = 'ACTIVITY_NOT_FOUND',
  InvalidCursor = 'ACTIVITY_INVALID_CURSOR',
  InvalidRange = 'ACTIVITY_INVALID_DATE_RANGE',
}

/** Typed error of the activity read model; the gateway maps it to HTTP once (404 / 400). */
export class ActivityError extends ReadModelError<ActivityErrorCode> {
  static notFound(activityId: string): ActivityError {
    return new ActivityError(ActivityErrorCode.NotFound, `activity ${activityId} not found`);
  }

  static invalidCursor(value: string, kind: 't' | 'p'): ActivityError {
    const param = kind === 't' ? 'cursor' : 'after';
    const msg = `${param} is not a valid ${param} token`;
    return new ActivityError(ActivityErrorCode.InvalidCursor, msg, [{ value, msg, param, location: 'query' }]);
  }

  static invalidRange(startDate: string, endDate: string): ActivityError {
    const msg = 'startDate must not be after endDate';
    return new ActivityError(ActivityErrorCode.InvalidRange, msg, [{ value: { startDate, endDate }, msg, param: 'startDate', location: 'query' }]);
  }
}
