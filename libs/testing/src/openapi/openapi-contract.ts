import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

/** What the contract check needs of an HTTP exchange. */
export interface HttpExchange {
  method: string;
  /** Path of the request URL (no query string). */
  path: string;
  status: number;
  /** `content-type` of the response, if any. */
  contentType: string | null;
  /** The response body as text ('' when empty); `undefined` when it was not read (a stream). */
  body: string | undefined;
}

/** Paths an app serves outside its document (the document itself and its page). */
const UNDOCUMENTED_PATHS = [/^\/openapi\.json$/, /^\/docs(\/.*)?$/];

interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

interface Route {
  template: string;
  re: RegExp;
  literalSegments: number;
  operations: Record<string, Operation>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/**
 * The document's schemas as the validator reads them:
 * - OpenAPI 3.0's `nullable: true` (which some generators still emit in 3.1 documents) becomes the 3.1 / JSON
 *   Schema 2020-12 way of saying it, `type: [T, 'null']`;
 * - with `closed`, an object schema that lists its properties and says nothing about others rejects others
 *   (`additionalProperties: false`), so a field the API returns but the document does not describe fails.
 */
function normalise(node: unknown, closed: boolean): unknown {
  if (Array.isArray(node)) return node.map((n) => normalise(n, closed));
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === 'example' || k === 'examples' ? v : normalise(v, closed);
  const composite = ['allOf', 'anyOf', 'oneOf', '$ref'].some((k) => k in out);
  if (closed && out.properties && typeof out.properties === 'object' && out.additionalProperties === undefined && !composite) {
    out.additionalProperties = false;
  }
  if (out.nullable === true) {
    delete out.nullable;
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    else if (out.type === undefined) return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

/**
 * Validates HTTP responses against an OpenAPI 3.1 document with ajv (JSON Schema 2020-12): the route and method
 * must be documented (unknown routes may only answer 404), the status must be documented for the operation, the
 * media type must be one the status documents, and a JSON body must match the documented schema (by default
 * with no undocumented fields: see `normalise`).
 */
export class OpenApiContract {
  private readonly ajv: Ajv2020;
  private readonly routes: Route[];
  private readonly validators = new Map<string, ValidateFunction>();
  private static readonly DOC_ID = 'urn:cep:openapi-under-test';

  constructor(
    readonly document: { openapi?: string; paths?: Record<string, Record<string, Operation>> },
    opts: { closedObjects?: boolean } = {},
  ) {
    if (!document.openapi?.startsWith('3.')) throw new Error(`not an OpenAPI 3 document (openapi: ${String(document.openapi)})`);
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    this.ajv.addSchema({ ...(normalise(document, opts.closedObjects ?? true) as object), $id: OpenApiContract.DOC_ID }, undefined, undefined, false);
    this.routes = Object.entries(document.paths ?? {}).map(([template, operations]) => {
      const segments = template.split('/').filter(Boolean);
      const re = new RegExp(`^/${segments.map((s) => (/^\{[^}]+\}$/.test(s) ? '[^/]+' : s.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))).join('/')}/?$`);
      return { template, re, literalSegments: segments.filter((s) => !s.startsWith('{')).length, operations };
    });
  }

  /** The documented route template a concrete path matches (the one with the most literal segments), if any. */
  route(path: string): Route | undefined {
    return this.routes.filter((r) => r.re.test(path)).sort((a, b) => b.literalSegments - a.literalSegments)[0];
  }

  /** Every way the exchange departs from the document (empty when it conforms). */
  problems(x: HttpExchange): string[] {
    const method = x.method.toLowerCase();
    const what = `${x.method.toUpperCase()} ${x.path} → ${x.status}`;
    if (UNDOCUMENTED_PATHS.some((re) => re.test(x.path))) return [];
    const route = this.route(x.path);
    if (!route) return x.status === 404 ? [] : [`${what}: no documented route matches ${x.path}`];
    const operation = route.operations[method];
    if (!operation || !METHODS.includes(method)) return x.status === 404 || x.status === 405 ? [] : [`${what}: ${x.method.toUpperCase()} ${route.template} is not documented`];
    const responses = operation.responses ?? {};
    const statusKey = [String(x.status), `${String(x.status)[0]}XX`, 'default'].find((k) => responses[k] !== undefined);
    if (!statusKey) {
      return [`${what}: status ${x.status} is not documented for ${x.method.toUpperCase()} ${route.template} (documented: ${Object.keys(responses).join(', ')})`];
    }
    const content = responses[statusKey].content;
    const mediaType = x.contentType?.split(';')[0].trim().toLowerCase();
    if (x.body === '' || method === 'head' || x.status === 204 || x.status === 304) return [];
    if (!content || !Object.keys(content).length) return x.body === undefined ? [] : [`${what}: a body is returned but ${statusKey} documents none`];
    if (!mediaType) return [`${what}: the body has no content-type`];
    const documented = Object.keys(content).find((m) => {
      const [type, sub] = m.toLowerCase().split('/');
      const [t, s] = mediaType.split('/');
      return (type === '*' || type === t) && (sub === '*' || sub === s);
    });
    if (!documented) return [`${what}: content-type ${mediaType} is not documented for ${statusKey} (documented: ${Object.keys(content).join(', ')})`];
    if (x.body === undefined || !content[documented].schema) return [];
    if (!/[/+]json$/.test(mediaType)) return [];
    let body: unknown;
    try {
      body = JSON.parse(x.body);
    } catch (err) {
      return [`${what}: ${mediaType} body is not JSON: ${(err as Error).message}`];
    }
    const validate = this.validator(route.template, method, statusKey, documented);
    if (validate(body)) return [];
    const errors = (validate.errors ?? []).slice(0, 10).map((e) => `${e.instancePath || '(body)'} ${e.message ?? ''}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
    return [`${what}: body does not match the documented ${statusKey} ${documented} schema of ${x.method.toUpperCase()} ${route.template}: ${errors.join('; ')}`];
  }

  private validator(template: string, method: string, status: string, mediaType: string): ValidateFunction {
    const ref = `${OpenApiContract.DOC_ID}#/${pointer('paths', template, method, 'responses', status, 'content', mediaType, 'schema')}`;
    let v = this.validators.get(ref);
    if (!v) {
      v = this.ajv.compile({ $ref: ref });
      this.validators.set(ref, v);
    }
    return v;
  }
}

/** Thrown by the checked `fetch` when a response departs from the app's OpenAPI document. */
export class OpenApiContractError extends Error {
  constructor(readonly problems: string[]) {
    super(`response does not match the served OpenAPI document:\n  ${problems.join('\n  ')}`);
  }
}
