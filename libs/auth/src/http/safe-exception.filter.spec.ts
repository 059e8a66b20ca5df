import { BadRequestException, ForbiddenException, InternalServerErrorException, NotFoundException } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { QueryFailedError } from 'typeorm';
import { validationFailed } from '@cep/platform';
import { toErrorBody } from './safe-exception.filter';

describe('toErrorBody: errors never echo stack traces or SQL', () => {
  it('keeps the platform 400 shape {code, message, details}', () => {
    const b = toErrorBody(validationFailed([{ value: 5000, msg: 'too big', param: 'pageSize', location: 'query' }], 'pageSize: too big'));
    expect(b).toEqual({
      statusCode: 400,
      code: 'VALIDATION_ERROR',
      message: 'pageSize: too big',
      details: [{ value: 5000, msg: 'too big', param: 'pageSize', location: 'query' }],
    });
  });

  it('gives every HttpException a code', () => {
    expect(toErrorBody(new NotFoundException('history entry not found'))).toMatchObject({ statusCode: 404, code: 'NOT_FOUND', message: 'history entry not found' });
    expect(toErrorBody(new ForbiddenException())).toMatchObject({ statusCode: 403, code: 'FORBIDDEN' });
    expect(toErrorBody(new BadRequestException(['a', 'b']))).toMatchObject({ statusCode: 400, message: 'a; b' });
    expect(toErrorBody(new ThrottlerException())).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED' });
    expect(toErrorBody(new InternalServerErrorException('secret detail'))).toMatchObject({ statusCode: 500, message: 'internal error' });
  });

  it('maps a SQL error to a generic body without the query or its parameters', () => {
    const driverError = Object.assign(new Error('syntax error at or near "OR"'), { code: '42601' });
    const err = new QueryFailedError("SELECT * FROM history.entries WHERE name = '' OR 1=1 --'", ["' OR 1=1 --"], driverError);
    const b = toErrorBody(err);
    expect(b).toEqual({ statusCode: 500, code: 'INTERNAL_ERROR', message: 'internal error' });
    expect(JSON.stringify(b)).not.toMatch(/SELECT|history\.entries|OR 1=1/);
  });

  it('maps a statement timeout to 503 and bad input casts to 400', () => {
    const timeout = new QueryFailedError('SELECT pg_sleep(60)', [], Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }));
    expect(toErrorBody(timeout)).toEqual({ statusCode: 503, code: 'QUERY_TIMEOUT', message: 'the query took too long; narrow the request' });
    const cast = new QueryFailedError('SELECT $1::uuid', ['x'], Object.assign(new Error('invalid input syntax for type uuid: "x"'), { code: '22P02' }));
    expect(toErrorBody(cast)).toMatchObject({ statusCode: 400, code: 'BAD_REQUEST' });
    expect(JSON.stringify(toErrorBody(cast))).not.toContain('uuid');
  });

  it('maps a lost or refused database connection to 503 UNAVAILABLE (retryable), not 500', () => {
    const terminated = new QueryFailedError('SELECT 1', [], Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }));
    expect(toErrorBody(terminated)).toEqual({ statusCode: 503, code: 'UNAVAILABLE', message: 'the database is temporarily unavailable; retry shortly' });
    expect(toErrorBody(new QueryFailedError('SELECT 1', [], new Error('Connection terminated unexpectedly')))).toMatchObject({ statusCode: 503, code: 'UNAVAILABLE' });
    expect(toErrorBody(Object.assign(new Error('the database system is shutting down'), { code: '57P03' }))).toMatchObject({ statusCode: 503 });
    expect(toErrorBody(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toMatchObject({ statusCode: 503 });
    expect(toErrorBody(new Error('timeout exceeded when trying to connect'))).toMatchObject({ statusCode: 503 });
  });

  it('maps body-parser errors: too large → 413, malformed → 400', () => {
    expect(toErrorBody(Object.assign(new Error('request entity too large'), { type: 'entity.too.large', status: 413 }))).toMatchObject({
      statusCode: 413,
      code: 'PAYLOAD_TOO_LARGE',
    });
    expect(toErrorBody(Object.assign(new Error('Unexpected token } in JSON'), { type: 'entity.parse.failed', status: 400 }))).toMatchObject({
      statusCode: 400,
      code: 'MALFORMED_JSON',
    });
  });

  it('maps a body that does not decode with its Content-Encoding (zlib / brotli errors) to 400 MALFORMED_BODY naming the header', async () => {
    const zlib = await import('zlib');
    const errorOf = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return Object.assign(err as Error, { status: 400 }); // body-parser sets status 400 on stream errors
      }
      throw new Error('expected an error');
    };
    for (const err of [
      errorOf(() => zlib.gunzipSync(Buffer.from('{"a":1}'))),
      errorOf(() => zlib.inflateSync(Buffer.from('{"a":1}'))),
      errorOf(() => zlib.brotliDecompressSync(Buffer.from('{"a":1}'))),
      errorOf(() => zlib.gunzipSync(zlib.gzipSync('{"a":1}').subarray(0, 12))),
    ]) {
      expect(toErrorBody(err)).toEqual({
        statusCode: 400,
        code: 'MALFORMED_BODY',
        message: 'the request body is not encoded as its Content-Encoding says',
        details: [{ value: null, msg: expect.any(String), param: 'content-encoding', location: 'headers' }],
      });
    }
  });

  it('maps unsupported encodings and charsets to 415 naming the header, and gives body-parser errors details', () => {
    const enc = toErrorBody(Object.assign(new Error('unsupported content encoding "x-foo"'), { type: 'encoding.unsupported', status: 415 }));
    expect(enc).toMatchObject({ statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE', details: [{ param: 'content-encoding', location: 'headers' }] });
    const charset = toErrorBody(Object.assign(new Error('unsupported charset "LATIN1"'), { type: 'charset.unsupported', status: 415 }));
    expect(charset).toMatchObject({ statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE', details: [{ param: 'content-type', location: 'headers' }] });
    const big = toErrorBody(Object.assign(new Error('too large'), { type: 'entity.too.large', status: 413, limit: 1024 }));
    expect(big).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE', details: [{ param: 'body', location: 'body', msg: expect.stringContaining('1024') }] });
  });

  it('maps PostgreSQL text errors for NUL and untranslatable characters to 400, in case one passes the edge', () => {
    for (const code of ['22021', '22P05']) {
      const err = new QueryFailedError('INSERT INTO t VALUES ($1)', ['a\u0000b'], Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code }));
      expect(toErrorBody(err)).toMatchObject({ statusCode: 400, code: 'BAD_REQUEST' });
    }
  });

  it('hides anything else behind a generic 500', () => {
    const e = new TypeError("Cannot read properties of undefined (reading 'claims')");
    expect(toErrorBody(e)).toEqual({ statusCode: 500, code: 'INTERNAL_ERROR', message: 'internal error' });
  });
});
