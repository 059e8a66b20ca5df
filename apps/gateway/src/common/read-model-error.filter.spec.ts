import type { ArgumentsHost } from '@nestjs/common';
import { ForbiddenException } from '@nestjs/common';
import { ActivityError, ActivityErrorCode } from '@cep/activity';
import { EventLogError, EventLogErrorCode, decodeCursor, parseStreamEventId } from '@cep/event-log';
import { HistoryError, HistoryErrorCode } from '@cep/history';
import { ReportError, ReportErrorCode } from '@cep/reports';
import { GatewayExceptionFilter, readModelErrorToHttp } from './read-model-error.filter';

function host(method: string) {
  const sent: { status?: number; body?: unknown; headers: Record<string, string> } = { headers: {} };
  const res = {
    headersSent: false,
    getHeader: (n: string) => sent.headers[n],
    setHeader: (n: string, v: string) => (sent.headers[n] = v),
    status(code: number) {
      sent.status = code;
      return { json: (body: unknown) => (sent.body = body) };
    },
  };
  const h = { switchToHttp: () => ({ getRequest: () => ({ method }), getResponse: () => res }) } as unknown as ArgumentsHost;
  return { h, sent };
}

describe('GatewayExceptionFilter', () => {
  it('maps not-found errors of every read model to 404 with the read model\'s code', () => {
    for (const err of [HistoryError.notFound('x'), ActivityError.notFound('y')]) {
      const { h, sent } = host('GET');
      new GatewayExceptionFilter().catch(err, h);
      expect(sent.status).toBe(404);
      expect(sent.body).toEqual({ statusCode: 404, code: err.code, message: err.message });
    }
  });

  it('maps bad input to the platform 400 naming the field and where it was', () => {
    const cases: [Error, string, object][] = [
      [HistoryError.invalidCursor('abc', 'cursor is malformed'), 'GET', { param: 'cursor', location: 'query', value: 'abc' }],
      [ActivityError.invalidRange('2026-02-02', '2026-02-01'), 'GET', { param: 'startDate', location: 'query' }],
      [new ReportError([{ value: 'x', msg: 'bad', param: 'timeZone', location: 'body' }]), 'POST', { param: 'timeZone', location: 'body' }],
      [captured(() => decodeCursor('!!')), 'POST', { param: 'cursor', location: 'body' }],
      [captured(() => decodeCursor('!!')), 'GET', { param: 'cursor', location: 'query' }],
      [captured(() => parseStreamEventId('x')), 'GET', { param: 'Last-Event-ID', location: 'headers' }],
      [captured(() => parseStreamEventId('x', 'lastEventId')), 'GET', { param: 'lastEventId', location: 'query' }],
    ];
    for (const [err, method, detail] of cases) {
      const { h, sent } = host(method);
      new GatewayExceptionFilter().catch(err, h);
      expect(sent.status).toBe(400);
      expect(sent.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_ERROR', message: err.message, details: [expect.objectContaining(detail)] });
    }
  });

  it('has a status for every code of every read model', () => {
    const codes = [...Object.values(HistoryErrorCode), ...Object.values(ActivityErrorCode), ...Object.values(ReportErrorCode), ...Object.values(EventLogErrorCode)];
    for (const code of codes) {
      const err = new HistoryError(code as HistoryErrorCode, 'm', [{ value: 1, msg: 'm', param: 'p' }]);
      expect([400, 404]).toContain(readModelErrorToHttp(err, 'GET').getStatus());
    }
    expect(() => readModelErrorToHttp(new HistoryError('NOPE' as HistoryErrorCode, 'm'), 'GET')).toThrow('unhandled case: NOPE');
  });

  it('leaves every other error to the platform\'s safe mapping', () => {
    const { h, sent } = host('GET');
    new GatewayExceptionFilter().catch(new ForbiddenException({ statusCode: 403, code: 'FORBIDDEN_ORGANISATION', message: 'no' }), h);
    expect(sent).toMatchObject({ status: 403, body: { code: 'FORBIDDEN_ORGANISATION' } });
    const other = host('GET');
    new GatewayExceptionFilter().catch(new Error('SELECT secret FROM x'), other.h);
    expect(other.sent).toMatchObject({ status: 500, body: { code: 'INTERNAL_ERROR', message: 'internal error' } });
  });
});

function captured(fn: () => unknown): EventLogError {
  try {
    fn();
  } catch (err) {
    if (err instanceof EventLogError) return err;
  }
  throw new Error('expected an EventLogError');
}
