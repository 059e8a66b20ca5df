import { ReadModelError, type ReadErrorDetail } from '@cep/platform';

/** One offending input, in the shape of the platform's 400 details. */
export type ReportErrorDetail = ReadErrorDetail & { location: 'body' | 'query' | 'headers' };

export enum ReportErrorCode {
  InvalidRequest = 'REPORT_INVALID_REQUEST',
}

/** A report request the service cannot answer (every problem as a field detail); mapped once to a 400 by the gateway. */
export class ReportError extends ReadModelError<ReportErrorCode> {
  constructor(details: ReportErrorDetail[]) {
    super(ReportErrorCode.InvalidRequest, details.length ? `${details[0].param}: ${details[0].msg}` : 'invalid report request', details);
  }
}
