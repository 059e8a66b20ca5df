import { ReadModelError } from '@cep/platform';

export enum HistoryErrorCode {
  NotFound = 'HISTORY_ENTRY_NOT_FOUND',
  InvalidCursor = 'HISTORY_INVALID_CURSOR',
}

/** Typed error of the history read model; the gateway maps it to HTTP once (404 / 400 on `cursor`). */
export class HistoryError extends ReadModelError<HistoryErrorCode> {
  static notFound(id: string): HistoryError {
    return new HistoryError(HistoryErrorCode.NotFound, `history entry ${id} not found`);
  }

  static invalidCursor(value: string, msg: string): HistoryError {
    return new HistoryError(HistoryErrorCode.InvalidCursor, `cursor: ${msg}`, [{ value, msg, param: 'cursor', location: 'query' }]);
  }
}
