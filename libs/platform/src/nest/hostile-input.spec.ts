import 'reflect-metadata';
import { HttpException, type ArgumentMetadata } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, IsString, ValidateNested } from 'class-validator';
import { INPUT_LIMITS } from '../input-limits';
import { jsonBodyProblems, pathProblems, queryStringProblems, rejectHostileBody, requireJsonBodies } from './hostile-input';
import { DateParam, PlatformValidationPipe } from './validation';

const nest = (depth: number): unknown => {
  let v: unknown = 'leaf';
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { x: v };
  return v;
};

describe('jsonBodyProblems: depth, NUL, unpaired surrogates', () => {
  it(`accepts ${INPUT_LIMITS.maxJsonDepth} levels and refuses one more, naming the top-level field`, () => {
    expect(jsonBodyProblems({ claims: nest(INPUT_LIMITS.maxJsonDepth - 1) })).toEqual([]);
    expect(jsonBodyProblems({ ok: 1, claims: nest(INPUT_LIMITS.maxJsonDepth) })).toEqual([
      { value: null, msg: `claims is nested deeper than ${INPUT_LIMITS.maxJsonDepth} levels`, param: 'claims', location: 'body' },
    ]);
    expect(jsonBodyProblems({ claims: nest(100_000) })).toHaveLength(1);
  });

  it('names NUL characters and unpaired surrogates in values and keys by their dotted path', () => {
    expect(jsonBodyProblems({ name: 'a\u0000b' })).toEqual([{ value: null, msg: expect.stringContaining('NUL'), param: 'name', location: 'body' }]);
    expect(jsonBodyProblems({ claims: [{ value: 'x\ud800' }] })).toEqual([
      { value: null, msg: expect.stringContaining('surrogate'), param: 'claims.0.value', location: 'body' },
    ]);
    expect(jsonBodyProblems({ a: '\udc00' })[0].param).toBe('a');
    expect(jsonBodyProblems({ offer: { ['k\u0000']: 1 } })[0]).toMatchObject({ param: 'offer', msg: expect.stringContaining('field name') });
    expect(jsonBodyProblems({ emoji: '😀 ok', text: 'plain' })).toEqual([]);
  });
});

describe('URL guards', () => {
  it('names a query parameter with NUL, a surrogate or malformed percent-encoding', () => {
    expect(queryStringProblems('/v1/x?searchText=a%00b')).toEqual([{ value: null, msg: expect.stringContaining('NUL'), param: 'searchText', location: 'query' }]);
    expect(queryStringProblems('/v1/x?target=%ED%A0%80')[0]).toMatchObject({ param: 'target', location: 'query' });
    expect(queryStringProblems('/v1/x?a=%E0%A4%A')[0]).toMatchObject({ param: 'a' });
    expect(queryStringProblems('/v1/x?x%00=1')[0]).toMatchObject({ msg: expect.stringContaining('NUL') });
    expect(queryStringProblems('/v1/x?searchText=caf%C3%A9+%F0%9F%98%80&a=%25&b')).toEqual([]);
  });

  it('refuses a path segment with NUL or malformed percent-encoding', () => {
    expect(pathProblems('/api/history/v1/a%00b')).toEqual([{ value: null, msg: expect.stringContaining('NUL'), param: 'path', location: 'params' }]);
    expect(pathProblems('/api/history/v1/%ED%A0%80')[0]).toMatchObject({ param: 'path' });
    expect(pathProblems('/api/history/v1/0193a4f2-7b00-7c11-8d22-3e4f5a6b7c8d?x=%00')).toEqual([]);
  });
});

describe('middlewares', () => {
  const run = (mw: (req: never, res: unknown, next: (e?: unknown) => void) => void, req: object) => {
    let out: unknown = 'not called';
    mw(req as never, {}, (e?: unknown) => (out = e));
    return out;
  };

  it('requireJsonBodies: 415 naming content-type for a body that is not application/json', () => {
    const err = run(requireJsonBodies, { method: 'POST', url: '/', headers: { 'content-type': 'text/plain', 'content-length': '7' } }) as HttpException;
    expect(err).toBeInstanceOf(HttpException);
    expect(err.getStatus()).toBe(415);
    expect(err.getResponse()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', details: [{ param: 'content-type', location: 'headers' }] });
    expect((run(requireJsonBodies, { method: 'POST', url: '/', headers: { 'content-length': '7' } }) as HttpException).getStatus()).toBe(415);
    expect((run(requireJsonBodies, { method: 'DELETE', url: '/', headers: { 'content-type': 'application/x-www-form-urlencoded', 'transfer-encoding': 'chunked' } }) as HttpException).getStatus()).toBe(415);
    expect(run(requireJsonBodies, { method: 'POST', url: '/', headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': '7' } })).toBeUndefined();
    expect(run(requireJsonBodies, { method: 'POST', url: '/', headers: { 'content-type': 'text/plain', 'content-length': '0' } })).toBeUndefined();
    expect(run(requireJsonBodies, { method: 'GET', url: '/', headers: {} })).toBeUndefined();
  });

  it('rejectHostileBody: a 400 VALIDATION_ERROR with details', () => {
    const err = run(rejectHostileBody, { method: 'POST', url: '/', headers: {}, body: { name: '\u0000' } }) as HttpException;
    expect(err.getStatus()).toBe(400);
    expect(err.getResponse()).toMatchObject({ code: 'VALIDATION_ERROR', details: [{ param: 'name', location: 'body' }] });
    expect(run(rejectHostileBody, { method: 'POST', url: '/', headers: {}, body: { name: 'ok' } })).toBeUndefined();
  });
});

class Nested {
  @IsISO8601({ strict: true })
  offerExpiresAt!: string;
}

class DatesDto {
  @IsOptional()
  @IsISO8601({ strict: true })
  startDate?: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => Nested)
  offer?: Nested;

  @IsOptional()
  @IsString()
  @DateParam()
  day?: string;

  @IsOptional()
  @IsInt()
  @DateParam()
  fromTimestamp?: number;
}

describe('PlatformValidationPipe: every date parameter in the documented range', () => {
  const pipe = new PlatformValidationPipe();
  const meta: ArgumentMetadata = { type: 'body', metatype: DatesDto };
  const details = async (body: object) =>
    pipe.transform(body, meta).then(
      () => [],
      (e: HttpException) => (e.getResponse() as { details: { param: string }[] }).details.map((d) => d.param),
    );

  it.each([['9999-12-31T23:59:59Z'], ['0000-01-01T00:00:00Z'], ['+010000-01-01T00:00:00Z'], ['1969-12-31T23:59:59Z'], ['3000-01-01T00:00:00Z']])(
    'refuses %s in an ISO-8601 field, a nested DTO field, and a marked date field',
    async (d) => {
      expect(await details({ startDate: d })).toEqual(['startDate']);
      expect(await details({ offer: { offerExpiresAt: d } })).toEqual(['offer.offerExpiresAt']);
      expect(await details({ day: d.slice(0, d.indexOf('T')) })).toEqual(['day']);
    },
  );

  it('refuses out-of-range epoch milliseconds and year 10000 calendar dates in marked fields', async () => {
    expect(await details({ fromTimestamp: Date.UTC(10000, 0, 1) })).toEqual(['fromTimestamp']);
    expect(await details({ fromTimestamp: -1 })).toEqual(['fromTimestamp']);
    expect(await details({ day: '10000-01-01' })).toEqual(['day']);
  });

  it('accepts dates inside the range (and leaves format errors to the format validators and libs)', async () => {
    expect(await details({ startDate: '2026-03-04T22:30:00Z', offer: { offerExpiresAt: '2999-12-31T23:59:59Z' }, day: '1970-01-01', fromTimestamp: 0 })).toEqual([]);
    expect(await details({ day: '2026-02-30' })).toEqual([]);
  });
});
