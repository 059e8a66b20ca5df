export enum ActivityErrorCode {
  NotFound = 'ACTIVITY_NOT_FOUND',
  InvalidCursor = 'INVALID_CURSOR',
  InvalidRange = 'INVALID_DATE_RANGE',
}

/** Typed error of the activity read model; the gateway maps it to HTTP once (404 / 400). */
export class ActivityError extends Error {
  constructor(
    readonly code: ActivityErrorCode,
    message: string,
    /** The offending query parameter, for 400 details. */
    readonly param?: string,
    readonly value?: unknown,
  ) {
    super(message);
    this.name = 'ActivityError';
  }

  static notFound(activityId: string): ActivityError {
    return new ActivityError(ActivityErrorCode.NotFound, `activity ${activityId} not found`);
  }

  static invalidCursor(value: string, kind: 't' | 'p'): ActivityError {
    const param = kind === 't' ? 'cursor' : 'after';
    return new ActivityError(ActivityErrorCode.InvalidCursor, `${param} is not a valid ${param} token`, param, value);
  }

  static invalidRange(startDate: string, endDate: string): ActivityError {
    return new ActivityError(ActivityErrorCode.InvalidRange, 'startDate must not be after endDate', 'startDate', { startDate, endDate });
  }
}
