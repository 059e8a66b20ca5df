import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { ERROR_DESCRIPTIONS, type ErrorStatus } from './api-errors.decorator';
import { ErrorResponseDto } from './error-response.dto';
import { addValidationSchemas } from './validation-schemas';

export const OPENAPI_JSON_PATH = '/openapi.json';
export const OPENAPI_DOCS_PATH = '/docs';
/** Name of the bearer security scheme; operations list the scopes they need under it. */
export const BEARER_SCHEME = 'bearer';

export interface OpenApiInfo {
  title: string;
  description: string;
  version: string;
  /** Scopes an app's routes require, with what each grants (listed in the security scheme's description). */
  scopes: Record<string, string>;
}

/** Errors any route can answer, whatever it does: rate limit, outage, bug. */
const GLOBAL_ERRORS: ErrorStatus[] = [429, 500, 503];

const OPEN_SCHEMAS = new Set<string>();

/**
 * Marks a response DTO whose objects carry more properties than it lists (e.g. the type-specific fields of an
 * event-log event): its schema says `additionalProperties: true`. Every other response schema describes all the
 * fields returned (the e2e contract check rejects undocumented fields).
 */
export function ApiAdditionalProperties(): ClassDecorator {
  return (target) => void OPEN_SCHEMAS.add(target.name);
}

/** The app's OpenAPI 3.1 document, built from the controllers' and DTOs' decorators. */
export function buildOpenApiDocument(app: INestApplication, info: OpenApiInfo): OpenAPIObject {
  const scopes = Object.entries(info.scopes)
    .map(([s, what]) => `- \`${s}\`: ${what}`)
    .join('\n');
  const builder = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle(info.title)
    .setDescription(info.description)
    .setVersion(info.version)
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: `JWT with claims \`org\` (the organisation) and \`scope\` (space-separated). Each operation lists the scopes it needs.\n\n${scopes}`,
      },
      BEARER_SCHEME,
    );
  for (const status of GLOBAL_ERRORS) builder.addGlobalResponse({ status, description: ERROR_DESCRIPTIONS[status], type: ErrorResponseDto });
  const document = SwaggerModule.createDocument(app, builder.build(), {
    extraModels: [ErrorResponseDto],
    operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}`,
  });
  for (const [name, schema] of Object.entries(document.components?.schemas ?? {})) {
    if (OPEN_SCHEMAS.has(name)) (schema as { additionalProperties?: boolean }).additionalProperties = true;
  }
  return nullableAsTypeArrays(addEdgeErrors(addValidationSchemas(document)));
}

/**
 * The HTTP edge (applyHttpHardening) answers before any route: 400 for hostile URLs on every operation, and on
 * every operation that can carry a body 400 for JSON it cannot use (malformed, nested too deep, NUL, bad
 * Content-Encoding), 413 for a body over the cap and 415 for a body that is not JSON. Documented on each.
 */
export function addEdgeErrors(document: OpenAPIObject): OpenAPIObject {
  const content = { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponseDto' } } };
  for (const item of Object.values(document.paths ?? {})) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const op = item[method];
      if (!op) continue;
      const statuses: ErrorStatus[] = method === 'get' ? [400] : [400, 413, 415];
      for (const status of statuses) op.responses[status] ??= { description: ERROR_DESCRIPTIONS[status], content };
    }
  }
  return document;
}

/**
 * `@nestjs/swagger` still writes OpenAPI 3.0's `nullable: true` (`@ApiProperty({ nullable: true })`), which 3.1
 * (JSON Schema 2020-12) does not have: 3.1 tools ignore it and would call `null` invalid. Rewrites it as
 * `type: [T, 'null']` (or adds `null` to an `enum`, or `anyOf` with `{ type: 'null' }` for a `$ref`).
 */
export function nullableAsTypeArrays<T>(node: T): T {
  if (Array.isArray(node)) return node.map(nullableAsTypeArrays) as T;
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === 'example' || k === 'examples' ? v : nullableAsTypeArrays(v);
  if (out.nullable !== true) return out as T;
  delete out.nullable;
  if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  if (typeof out.type === 'string') out.type = [out.type, 'null'];
  else if (out.type === undefined) {
    const { description, ...schema } = out;
    return { ...(description === undefined ? {} : { description }), anyOf: [schema, { type: 'null' }] } as T;
  }
  return out as T;
}

/**
 * Serves the document at `GET /openapi.json` and the interactive page (swagger-ui, its assets served locally
 * from swagger-ui-dist, no CDN) at `GET /docs`. Both are public: the document holds no secrets.
 */
export function setupOpenApi(app: INestApplication, info: OpenApiInfo): OpenAPIObject {
  const document = buildOpenApiDocument(app, info);
  SwaggerModule.setup(OPENAPI_DOCS_PATH.slice(1), app, document, {
    jsonDocumentUrl: OPENAPI_JSON_PATH.slice(1),
    raw: ['json'],
    customSiteTitle: info.title,
    swaggerOptions: { persistAuthorization: false, displayOperationId: false },
  });
  return document;
}

/** `OPENAPI_ENABLED`, defaulting to on outside production. */
export function openApiEnabled(cfg: { OPENAPI_ENABLED?: boolean; NODE_ENV: string }): boolean {
  return cfg.OPENAPI_ENABLED ?? cfg.NODE_ENV !== 'production';
}
