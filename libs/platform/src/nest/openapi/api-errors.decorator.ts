import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ErrorResponseDto } from './error-response.dto';

/** What each error status means on this platform (the description of its documented response). */
export const ERROR_DESCRIPTIONS = {
  400: 'invalid request: `VALIDATION_ERROR` with `details` naming each offending field (also NUL / unpaired surrogates, JSON nested deeper than 64, dates outside 1970..2999), `MALFORMED_JSON`, or `MALFORMED_BODY` (not encoded as its Content-Encoding says)',
  401: 'no valid bearer token (`UNAUTHENTICATED`, `WWW-Authenticate: Bearer`)',
  403: 'token lacks a required scope (`INSUFFICIENT_SCOPE`) or the request names another organisation (`FORBIDDEN_ORGANISATION`)',
  404: 'not found, or another organisation\'s',
  409: 'the command conflicts with the entity\'s state or a concurrent change',
  413: 'request body larger than `HTTP_BODY_LIMIT_BYTES` (`PAYLOAD_TOO_LARGE`)',
  415: 'request body is not `application/json`, or its Content-Encoding or charset is unsupported (`UNSUPPORTED_MEDIA_TYPE`)',
  429: 'rate limit per caller (organisation + subject) exceeded (`RATE_LIMITED`, `Retry-After`), or too many open event streams of the organisation (`TOO_MANY_STREAMS`)',
  500: 'internal error (no details)',
  503: 'database temporarily unavailable or query too slow (`UNAVAILABLE`, `QUERY_TIMEOUT`, `Retry-After`)',
} as const;

export type ErrorStatus = keyof typeof ERROR_DESCRIPTIONS;

/**
 * Documents error responses of a route (or of every route of a controller) with the platform's error body. The
 * content is always `application/json`, whatever the route's success media types (`@ApiProduces`): an SSE or CSV
 * route still answers its errors in JSON.
 */
export function ApiErrors(...statuses: ErrorStatus[]): MethodDecorator & ClassDecorator {
  const content = { 'application/json': { schema: { $ref: getSchemaPath(ErrorResponseDto) } } };
  return applyDecorators(
    ApiExtraModels(ErrorResponseDto),
    ...statuses.map((status) => ApiResponse({ status, description: ERROR_DESCRIPTIONS[status], content })),
  );
}
