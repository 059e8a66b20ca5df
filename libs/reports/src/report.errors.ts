/** One offending input, in the shape of the platform's 400 details. */
export interface ReportErrorDetail {
  value: unknown;
  msg: string;
  param: string;
  location: 'body' | 'query' | 'headers';
}

export enum ReportErrorCode {
  InvalidRequest = 'VALIDATION_ERROR',
}

/** A report request the service cannot answer; mapped once to a 400 by the gateway. */
export class ReportError extends Error {
  constructor(
    readonly details: ReportErrorDetail[],
    readonly code: ReportErrorCode = ReportErrorCode.InvalidRequest,
  ) {
    super(details.length ? `${details[0].param}: ${details[0].msg}` : 'invalid report request');
    this.name = 'ReportError';
  }
}
