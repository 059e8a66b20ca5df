import { HttpException, HttpStatus } from '@nestjs/common';
import { INPUT_LIMITS, unsafeStringReason } from '../input-limits';
import { validationFailed, type FieldError } from './validation';

/** The parts of an Express request the guards read. */
export interface EdgeRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  url: string;
  body?: unknown;
}

type Next = (err?: unknown) => void;

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const MAX_PARAM_LENGTH = 256;

/** True when the request carries a body (a non-zero Content-Length or a chunked Transfer-Encoding). */
function hasBody(req: EdgeRequest): boolean {
  const te = req.headers['transfer-encoding'];
  const len = req.headers['content-length'];
  return te !== undefined || (len !== undefined && String(len) !== '0');
}

/** `application/json`, with or without parameters (`; charset=utf-8`). */
export function isJsonContentType(value: string | undefined): boolean {
  return typeof value === 'string' && /^application\/json\s*(;|$)/i.test(value.trim());
}

/**
 * Before the body parser: a request body that is not `application/json` is a 415 naming the `content-type`
 * header (the JSON parser would otherwise skip it and the handler would see no body at all).
 */
export function requireJsonBodies(req: EdgeRequest, _res: unknown, next: Next): void {
  if (!BODY_METHODS.has(req.method) || !hasBody(req)) return next();
  const type = req.headers['content-type'];
  const value = Array.isArray(type) ? type.join(', ') : type;
  if (isJsonContentType(value)) return next();
  next(
    new HttpException(
      {
        statusCode: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: 'request bodies must be JSON (Content-Type: application/json)',
        details: [{ value: value ?? null, msg: 'content-type must be application/json', param: 'content-type', location: 'headers' }],
      },
      HttpStatus.UNSUPPORTED_MEDIA_TYPE,
    ),
  );
}

const clip = (param: string) => (param.length > MAX_PARAM_LENGTH ? `${param.slice(0, MAX_PARAM_LENGTH)}…` : param);

/**
 * Problems of a parsed JSON body: nesting deeper than {@link INPUT_LIMITS.maxJsonDepth} (named by the
 * top-level field) and keys or strings with NUL characters or unpaired surrogates (named by their dotted path).
 * Iterative, so a hostile body cannot exhaust the stack.
 */
export function jsonBodyProblems(body: unknown): FieldError[] {
  const problems: FieldError[] = [];
  const stack: { v: unknown; path: string; depth: number }[] = [{ v: body, path: '', depth: 1 }];
  const tooDeep = new Set<string>();
  while (stack.length && problems.length < 20) {
    const { v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      const reason = unsafeStringReason(v);
      if (reason) problems.push({ value: null, msg: `${path || 'body'} ${reason}`, param: clip(path || 'body'), location: 'body' });
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    const top = path.split('.')[0] || 'body';
    if (depth > INPUT_LIMITS.maxJsonDepth) {
      if (!tooDeep.has(top)) {
        tooDeep.add(top);
        problems.push({ value: null, msg: `${top} is nested deeper than ${INPUT_LIMITS.maxJsonDepth} levels`, param: top, location: 'body' });
      }
      continue;
    }
    const entries: [string, unknown][] = Array.isArray(v) ? v.map((x, i) => [String(i), x]) : Object.entries(v as Record<string, unknown>);
    for (const [k, x] of entries) {
      const p = path ? `${path}.${k}` : k;
      const reason = unsafeStringReason(k);
      if (reason) {
        problems.push({ value: null, msg: `field name ${reason}`, param: clip(path || 'body'), location: 'body' });
        continue;
      }
      stack.push({ v: x, path: p, depth: depth + 1 });
    }
  }
  return problems;
}

/** Problems of the raw query string: malformed percent-encoding (not UTF-8), NUL characters, unpaired surrogates. */
export function queryStringProblems(url: string): FieldError[] {
  const q = url.indexOf('?');
  if (q < 0) return [];
  const problems: FieldError[] = [];
  for (const pair of url.slice(q + 1).split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const rawKey = eq < 0 ? pair : pair.slice(0, eq);
    const rawValue = eq < 0 ? '' : pair.slice(eq + 1);
    let key: string;
    let value: string;
    try {
      key = decodeURIComponent(rawKey.replace(/\+/g, ' '));
    } catch {
      problems.push({ value: null, msg: 'parameter name is not valid percent-encoded UTF-8', param: clip(rawKey), location: 'query' });
      continue;
    }
    const param = clip(key);
    try {
      value = decodeURIComponent(rawValue.replace(/\+/g, ' '));
    } catch {
      problems.push({ value: null, msg: `${param} is not valid percent-encoded UTF-8`, param, location: 'query' });
      continue;
    }
    const reason = unsafeStringReason(key) ?? unsafeStringReason(value);
    if (reason) problems.push({ value: null, msg: `${param} ${reason}`, param, location: 'query' });
  }
  return problems;
}

/** Problems of the path: a segment that is not valid percent-encoded UTF-8 or holds NUL or an unpaired surrogate. */
export function pathProblems(url: string): FieldError[] {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  for (const seg of path.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(seg);
    } catch {
      return [{ value: null, msg: 'the path is not valid percent-encoded UTF-8', param: 'path', location: 'params' }];
    }
    const reason = unsafeStringReason(decoded);
    if (reason) return [{ value: null, msg: `a path segment ${reason}`, param: 'path', location: 'params' }];
  }
  return [];
}

/**
 * Before the body parser: the URL (path and query string). PostgreSQL text cannot hold NUL and unpaired
 * surrogates are not Unicode text, so both are refused at the edge with a 400 naming the parameter.
 */
export function rejectHostileUrl(req: EdgeRequest, _res: unknown, next: Next): void {
  const problems = [...pathProblems(req.url), ...queryStringProblems(req.url)];
  if (!problems.length) return next();
  next(validationFailed(problems, problems[0].msg));
}

/** After the body parser: the parsed JSON body (depth, NUL, unpaired surrogates). */
export function rejectHostileBody(req: EdgeRequest, _res: unknown, next: Next): void {
  if (req.body === undefined || req.body === null || typeof req.body !== 'object') return next();
  const problems = jsonBodyProblems(req.body);
  if (!problems.length) return next();
  next(validationFailed(problems, problems[0].msg));
}
