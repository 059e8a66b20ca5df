import { Catch, HttpException, NotFoundException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { SafeExceptionFilter } from '@cep/auth';
import { ActivityErrorCode } from '@cep/activity';
import { EventLogErrorCode } from '@cep/event-log';
import { HistoryErrorCode } from '@cep/history';
import { assertUnreachable, ReadModelError, validationFailed, type FieldError } from '@cep/platform';
import { ReportErrorCode } from '@cep/reports';

/** Every code a read model of the gateway can raise. A new enum member fails to compile in {@link statusOf}. */
export type ReadErrorCode = HistoryErrorCode | ActivityErrorCode | ReportErrorCode | EventLogErrorCode;

function statusOf(code: ReadErrorCode): 400 | 404 {
  switch (code) {
    case HistoryErrorCode.NotFound:
    case ActivityErrorCode.NotFound:
      return 404;
    case HistoryErrorCode.InvalidCursor:
    case ActivityErrorCode.InvalidCursor:
    case ActivityErrorCode.InvalidRange:
    case ReportErrorCode.InvalidRequest:
    case EventLogErrorCode.InvalidCursor:
    case EventLogErrorCode.InvalidRange:
    case EventLogErrorCode.InvalidGroupBy:
    case EventLogErrorCode.InvalidEventId:
      return 400;
    default:
      return assertUnreachable(code);
  }
}

/**
 * A read-model error as the HTTP error every gateway API documents: 404 `{statusCode, code, message}` with the
 * read model's not-found code, or the platform's 400 `{statusCode, code: 'VALIDATION_ERROR', message, details}`
 * naming each offending field and where it was (query string for GET, body otherwise, unless the error says).
 */
export function readModelErrorToHttp(err: ReadModelError<ReadErrorCode>, method: string): HttpException {
  const status = statusOf(err.code);
  if (status === 404) return new NotFoundException({ statusCode: 404, code: err.code, message: err.message });
  const fallback: FieldError['location'] = method === 'GET' ? 'query' : 'body';
  return validationFailed(
    err.details.map((d) => ({ value: d.value ?? null, msg: d.msg, param: d.param, location: d.location ?? fallback })),
    err.message,
  );
}

/**
 * The gateway's one exception filter: read-model errors mapped by {@link readModelErrorToHttp}, everything else
 * (validation, auth, rate limit, database outages, bugs) by the platform's safe filter, so every error body
 * is `{statusCode, code, message[, details]}` and nothing leaks stack traces or SQL.
 */
@Catch()
export class GatewayExceptionFilter implements ExceptionFilter {
  private readonly safe = new SafeExceptionFilter();

  catch(err: unknown, host: ArgumentsHost): void {
    if (err instanceof ReadModelError) {
      const method = host.switchToHttp().getRequest<{ method?: string }>().method ?? 'GET';
      this.safe.catch(readModelErrorToHttp(err as ReadModelError<ReadErrorCode>, method), host);
      return;
    }
    this.safe.catch(err, host);
  }
}
