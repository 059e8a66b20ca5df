import * as fs from 'fs';
import * as path from 'path';
import { WORKSPACE_ROOT } from '../infra';
import { OpenApiContract, type HttpExchange } from './openapi-contract';

/** The committed gateway document (the one the gateway serves; an e2e test checks they are equal). */
const gatewayDocument = JSON.parse(fs.readFileSync(path.join(WORKSPACE_ROOT, 'contracts', 'openapi', 'gateway.json'), 'utf8'));
const contract = new OpenApiContract(gatewayDocument);

const json = (status: number, body: unknown, over: Partial<HttpExchange> = {}): HttpExchange => ({
  method: 'GET',
  path: '/api/history/v1',
  status,
  contentType: 'application/json; charset=utf-8',
  body: JSON.stringify(body),
  ...over,
});
const unauthenticated = { statusCode: 401, code: 'UNAUTHENTICATED', message: 'missing bearer token' };

describe('OpenApiContract (response validation against an OpenAPI 3.1 document)', () => {
  it('given a documented error response, then it conforms', () => {
    expect(contract.problems(json(401, unauthenticated))).toEqual([]);
  });

  it('given an error body missing a required field or with a field the document does not describe, then it fails', () => {
    const { code: _c, ...noCode } = unauthenticated;
    expect(contract.problems(json(401, noCode))).toEqual([expect.stringContaining("must have required property 'code'")]);
    expect(contract.problems(json(401, { ...unauthenticated, stack: 'at …' }))).toEqual([expect.stringContaining('must NOT have additional properties')]);
  });

  it('given a success body whose field has the wrong type, then it fails with the path', () => {
    const page = { values: [], totalItems: '0', totalPages: 0 };
    expect(contract.problems(json(200, page))).toEqual([expect.stringMatching(/\/totalItems must be/)]);
  });

  it('given a status the operation does not document, then it fails naming the documented ones', () => {
    expect(contract.problems(json(418, unauthenticated))).toEqual([expect.stringMatching(/status 418 is not documented for GET \/api\/history\/v1 \(documented: 200, 400/)]);
  });

  it('matches concrete paths to templates, literal segments first', () => {
    expect(contract.route('/v1/activity/credentials/stats')?.template).toBe('/v1/activity/credentials/stats');
    expect(contract.route('/v1/activity/credentials/0b9a6b6e-6a43-4bd2-9d4b-bb3c5c1f1f0e/chain')?.template).toBe('/v1/activity/credentials/{activityId}/chain');
    expect(contract.problems(json(404, { statusCode: 404, code: 'NOT_FOUND', message: 'x' }, { path: '/v1/activity/credentials/abc' }))).toEqual([]);
  });

  it('given an undocumented route, then only a 404 passes', () => {
    expect(contract.problems(json(404, {}, { path: '/nope' }))).toEqual([]);
    expect(contract.problems(json(200, {}, { path: '/nope' }))).toEqual([expect.stringContaining('no documented route')]);
    expect(contract.problems(json(200, {}, { method: 'DELETE' }))).toEqual([expect.stringContaining('DELETE /api/history/v1 is not documented')]);
  });

  it('given a media type the status does not document, then it fails; a stream is checked by status and media type only', () => {
    expect(contract.problems(json(401, unauthenticated, { contentType: 'text/html' }))).toEqual([expect.stringContaining('content-type text/html is not documented')]);
    const stream = { path: '/v1/events/stream', contentType: 'text/event-stream', body: undefined };
    expect(contract.problems(json(200, null, stream))).toEqual([]);
    expect(contract.problems(json(401, null, stream))).toEqual([expect.stringContaining('content-type text/event-stream is not documented for 401')]);
  });

  it('reads nullable: true as type [T, null] (3.0 style still emitted for some schemas)', () => {
    const doc = {
      openapi: '3.1.0',
      paths: { '/x': { get: { responses: { '200': { content: { 'application/json': { schema: { type: 'object', properties: { a: { type: 'string', nullable: true } } } } } } } } } },
    };
    const c = new OpenApiContract(doc);
    const x = (body: unknown) => c.problems({ method: 'GET', path: '/x', status: 200, contentType: 'application/json', body: JSON.stringify(body) });
    expect(x({ a: null })).toEqual([]);
    expect(x({ a: 1 })).toHaveLength(1);
  });

  it('refuses a document that is not OpenAPI 3', () => {
    expect(() => new OpenApiContract({ paths: {} })).toThrow('not an OpenAPI 3 document');
  });
});
