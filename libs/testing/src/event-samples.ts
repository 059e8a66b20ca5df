import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { EVENT_REGISTRY, type EventDefinition, type EventEnvelope } from '@cep/contracts';
import { WORKSPACE_ROOT } from './infra';

/** The committed event schemas (`npm run contracts:generate` writes them from libs/contracts). */
export const EVENT_SCHEMAS_DIR = path.join(WORKSPACE_ROOT, 'contracts', 'schemas');
export const ENVELOPE_SCHEMA_ID = 'urn:cep:schema:cloudevent';

type Schema = {
  $ref?: string;
  $defs?: Record<string, Schema>;
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  format?: string;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  minimum?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  not?: Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
};

/** A committed schema by file (relative to `contracts/schemas/`). */
export function readEventSchema(file: string): Schema & { $id: string } {
  return JSON.parse(fs.readFileSync(path.join(EVENT_SCHEMAS_DIR, file), 'utf8'));
}

/** The committed payload schema of a type's version (`contracts/schemas/<type>/v<version>.schema.json`). */
export function payloadSchemaOf(type: string, version: number): Schema & { $id: string } {
  return readEventSchema(`${type}/v${version}.schema.json`);
}

/**
 * A string matching a simple pattern: anchored sequences of literals and character classes with `{n}`, `{n,m}`,
 * `+`, `*` or `?` (what the event schemas use, e.g. `^[0-9a-f]{64}$`). Throws on anything else.
 */
export function sampleForPattern(pattern: string): string {
  const re = /\[([^\]]+)\]|\\(.)|([^[\\^${}+*?])|\{(\d+)(?:,(\d*))?\}|([+*?])|([\^$])/g;
  let out = '';
  let last = '';
  for (let m = re.exec(pattern); m; m = re.exec(pattern)) {
    const [, cls, escaped, literal, n, , op] = m;
    if (cls !== undefined) last = cls.startsWith('^') ? 'x' : cls[0] === '\\' ? cls[1] : cls[0];
    else if (escaped !== undefined) last = escaped === 'd' ? '0' : escaped;
    else if (literal !== undefined) last = literal;
    if (cls !== undefined || escaped !== undefined || literal !== undefined) out += last;
    else if (n !== undefined) out += last.repeat(Number(n) - 1);
    else if (op === '?' || op === '*') out = out.slice(0, -1);
  }
  if (!new RegExp(pattern).test(out)) throw new Error(`cannot build a sample for pattern ${pattern}; extend sampleForPattern`);
  return out;
}

function sampleString(s: Schema & { pattern?: string }, name: string): string {
  if (s.pattern) return sampleForPattern(s.pattern);
  switch (s.format) {
    case 'uuid':
      return randomUUID();
    case 'date-time':
      return new Date().toISOString();
    case 'date':
      return new Date().toISOString().slice(0, 10);
    case 'uri':
    case 'url':
      return `https://example.com/${name}`;
    case 'email':
      return 'holder@example.com';
  }
  const text = `sample-${name}`;
  const max = s.maxLength ?? text.length;
  return text.length > max ? text.slice(0, max) : text.padEnd(s.minLength ?? 0, 'x');
}

/**
 * A value valid under a JSON Schema (the subset the generated event schemas use): every property, optional ones
 * included, so a sample exercises every field; fields that must be absent (`not: {}`) are left out.
 */
export function sampleFromSchema(schema: Schema, root: Schema = schema, name = 'value'): unknown {
  if (schema.$ref) {
    const def = root.$defs?.[schema.$ref.replace('#/$defs/', '')];
    if (!def) throw new Error(`cannot resolve ${schema.$ref}`);
    return sampleFromSchema(def, root, name);
  }
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  if (schema.oneOf ?? schema.anyOf) return sampleFromSchema((schema.oneOf ?? schema.anyOf)![0], root, name);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'string':
      return sampleString(schema, name);
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    case 'array':
      return Array.from({ length: Math.max(1, schema.minItems ?? 0) }, () => sampleFromSchema(schema.items ?? {}, root, name));
    case 'object':
    default: {
      const out: Record<string, unknown> = {};
      for (const [k, p] of Object.entries(schema.properties ?? {})) {
        if (p.not && Object.keys(p.not).length === 0) continue;
        out[k] = sampleFromSchema(p, root, k);
      }
      return out;
    }
  }
}

/** A sample payload of a definition's current version, from its committed JSON Schema. */
export function samplePayload<TPayload extends object>(def: EventDefinition<string, TPayload>): TPayload {
  return sampleFromSchema(payloadSchemaOf(def.type, def.version)) as TPayload;
}

/**
 * Validates whole events (envelope + `data` by its `dataschema`) with ajv against the committed JSON Schemas, as
 * a consumer in another language would.
 */
export class CommittedEventSchemas {
  private readonly ajv = new Ajv2020({ strict: true, allErrors: true });
  private readonly envelope: ValidateFunction;

  constructor() {
    addFormats(this.ajv);
    const walk = (dir: string): string[] =>
      fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
    for (const file of walk(EVENT_SCHEMAS_DIR).filter((f) => f.endsWith('.schema.json'))) this.ajv.addSchema(JSON.parse(fs.readFileSync(file, 'utf8')));
    this.envelope = this.ajv.getSchema(ENVELOPE_SCHEMA_ID)!;
  }

  /** Why the event is not valid under the committed schemas (empty when it is). */
  problems(event: EventEnvelope | Record<string, unknown>): string[] {
    const e = event as Record<string, unknown>;
    const where = `${String(e.type)} ${String(e.id)}`;
    const out: string[] = [];
    if (!this.envelope(e)) {
      const errors = (this.envelope.errors ?? []).filter((x) => x.keyword !== 'propertyNames');
      out.push(...errors.map((x) => `${where}: envelope${x.instancePath}${x.propertyName ? ` attribute name "${x.propertyName}"` : ''} ${x.message}`));
    }
    const validate = typeof e.dataschema === 'string' ? this.ajv.getSchema(e.dataschema) : undefined;
    if (!validate) return [...out, `${where}: no committed schema ${String(e.dataschema)}`];
    if (!validate(e.data)) out.push(...(validate.errors ?? []).map((x) => `${where}: data${x.instancePath} ${x.message} ${JSON.stringify(x.params)}`));
    return out;
  }
}

/** Every event definition of the catalogue (so a test can iterate "every event type"). */
export function everyEventDefinition(): EventDefinition<string, object>[] {
  return EVENT_REGISTRY.all();
}
