import { ArgumentsHost, Catch, HttpException, type ExceptionFilter } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { isTransientDbError, Logger } from '@cep/platform';

const log = new Logger('http');

export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details?: unknown;
  [extra: string]: unknown;
}

const CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'UNAVAILABLE',
};

/** PostgreSQL SQLSTATEs that mean "the request's input was bad" (a validation gap), never echoed. */
const BAD_INPUT_SQLSTATES = new Set(['22P02', '22007', '22008', '22003', '22001', '2201B', '22023', '22025', '22021', '22P05']);

const field = (msg: string, param: string, location: 'body' | 'headers') => ({ value: null, msg, param, location });

/**
 * Maps any error to a JSON body of `{statusCode, code, message[, details]}`. HttpExceptions keep their
 * body (so the 400 of PlatformValidationPipe keeps `{code, message, details}`); anything else is logged by
 * name/code only and answered without stack traces, SQL or parameters.
 */
export function toErrorBody(err: unknown): ErrorBody {
  if (err instanceof ThrottlerException) {
    return { statusCode: 429, code: 'RATE_LIMITED', message: 'too many requests; retry after the number of seconds in Retry-After' };
  }
  if (err instanceof HttpException) {
    const statusCode = err.getStatus();
    const body = err.getResponse();
    const code = CODE_BY_STATUS[statusCode] ?? (statusCode >= 500 ? 'INTERNAL_ERROR' : 'ERROR');
    if (typeof body === 'string') return { statusCode, code, message: body };
    const b = body as Record<string, unknown>;
    const message = Array.isArray(b.message) ? b.message.join('; ') : typeof b.message === 'string' ? b.message : code.toLowerCase();
    return {
      ...b,
      statusCode,
      code: typeof b.code === 'string' ? b.code : code,
      message: statusCode === 500 ? 'internal error' : message,
    };
  }
  const e = err as { code?: string; driverError?: { code?: string }; type?: string; status?: number; statusCode?: number; limit?: number; errno?: number };
  // body-parser errors (too large, malformed JSON, bad charset or encoding) carry their own status.
  const httpStatus = e?.status ?? e?.statusCode;
  if (typeof e?.type === 'string' && typeof httpStatus === 'number' && httpStatus >= 400 && httpStatus < 500) {
    if (e.type === 'entity.too.large') {
      const limit = typeof e.limit === 'number' ? ` (at most ${e.limit} bytes)` : '';
      return { statusCode: 413, code: 'PAYLOAD_TOO_LARGE', message: 'request body too large', details: [field(`body is larger than allowed${limit}`, 'body', 'body')] };
    }
    if (e.type === 'entity.parse.failed') {
      return { statusCode: 400, code: 'MALFORMED_JSON', message: 'request body is not valid JSON', details: [field('body is not valid JSON', 'body', 'body')] };
    }
    if (e.type === 'encoding.unsupported') {
      return { statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'unsupported Content-Encoding; use gzip, deflate, br or none', details: [field('content-encoding must be gzip, deflate, br or identity', 'content-encoding', 'headers')] };
    }
    if (e.type === 'charset.unsupported') {
      return { statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'unsupported charset; JSON bodies are UTF-8', details: [field('the content-type charset must be utf-8', 'content-type', 'headers')] };
    }
    return { statusCode: httpStatus, code: CODE_BY_STATUS[httpStatus] ?? 'BAD_REQUEST', message: 'request body rejected', details: [field('request body rejected', 'body', 'body')] };
  }
  // zlib / brotli errors while inflating a body sent with Content-Encoding: the body is not so encoded.
  if (typeof httpStatus === 'number' && httpStatus >= 400 && httpStatus < 500 && typeof e?.code === 'string' && (/^(Z_|ERR_(_ERROR|BROTLI|ZLIB))/.test(e.code) || typeof e.errno === 'number')) {
    return {
      statusCode: 400,
      code: 'MALFORMED_BODY',
      message: 'the request body is not encoded as its Content-Encoding says',
      details: [field('the body does not decode with the content-encoding sent', 'content-encoding', 'headers')],
    };
  }
  const sqlState = e?.driverError?.code ?? e?.code;
  if (sqlState === '57014') return { statusCode: 503, code: 'QUERY_TIMEOUT', message: 'the query took too long; narrow the request' };
  // The database went away mid-request (restart, failover, pg_terminate_backend, connection refused or reset,
  // too many connections, lock timeout): retryable, not a server bug.
  if (isTransientDbError(err)) return { statusCode: 503, code: 'UNAVAILABLE', message: 'the database is temporarily unavailable; retry shortly' };
  if (typeof sqlState === 'string' && BAD_INPUT_SQLSTATES.has(sqlState)) {
    return { statusCode: 400, code: 'BAD_REQUEST', message: 'a request parameter has an invalid value' };
  }
  return { statusCode: 500, code: 'INTERNAL_ERROR', message: 'internal error' };
}

@Catch()
export class SafeExceptionFilter implements ExceptionFilter {
  catch(err: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse();
    const body = toErrorBody(err);
    if (body.statusCode >= 500) {
      const e = err as { name?: string; code?: string; driverError?: { code?: string } };
      log.error('request failed', { errorName: e?.name, code: e?.driverError?.code ?? e?.code, status: body.statusCode });
    }
    if (body.statusCode === 401 && !res.getHeader?.('WWW-Authenticate')) res.setHeader?.('WWW-Authenticate', 'Bearer');
    if (body.statusCode === 503 && !res.getHeader?.('Retry-After')) res.setHeader?.('Retry-After', '1');
    if (!res.headersSent) res.status(body.statusCode).json(body);
  }
}
