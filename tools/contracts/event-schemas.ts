/**
 * JSON Schema (2020-12) of every event type and payload version, and of the CloudEvents envelope, generated from
 * the class-validator classes of `libs/contracts` (the same rules consumers validate with). Written to
 * `contracts/schemas/` by `npm run contracts:generate`; each payload schema's `$id` is the envelope's
 * `dataschema` URI (`urn:cep:schema:<type>:v<version>`).
 */
import 'reflect-metadata';
import * as path from 'path';
import { getMetadataStorage, IS_EMPTY, IS_ISO8601, IS_URL, ValidationTypes } from 'class-validator';
import { targetConstructorToSchema } from 'class-validator-jsonschema';
import type { IOptions } from 'class-validator-jsonschema/build/options';
import {
  ATTRIBUTE_NAME_RE,
  DATA_CONTENT_TYPE,
  dataSchemaUri,
  EVENT_REGISTRY,
  SPEC_VERSION,
  type EventDefinition,
} from '../../libs/contracts/src';
import { lineage, readSourceDocs, REPO_ROOT, type AnyClass, type SourceDocs } from '../docs/event-docs';

export const CONTRACTS_DIR = path.join(REPO_ROOT, 'contracts');
export const SCHEMAS_DIR = path.join(CONTRACTS_DIR, 'schemas');
export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';
/** `$id` of the envelope schema (not a `dataschema`: it describes the whole CloudEvent). */
export const ENVELOPE_SCHEMA_ID = 'urn:cep:schema:cloudevent';
export const ENVELOPE_SCHEMA_FILE = 'cloudevent.schema.json';

export type JsonSchema = { [key: string]: unknown };

// class-transformer keeps `@Type()` metadata in an internal singleton: the nested class of `@ValidateNested()`.
const { defaultMetadataStorage } = require('class-transformer/cjs/storage');

const DEFS = '#/$defs/';
/** Marks a property that must be absent (`@IsEmpty()`), replaced by `false`-like `{ not: {} }` afterwards. */
const ABSENT = 'x-cep-absent';

const OPTIONS: Partial<IOptions> = {
  refPointerPrefix: DEFS,
  classTransformerMetadataStorage: defaultMetadataStorage,
  additionalConverters: {
    // Required-ness comes from the absence of @IsOptional(); `not null` beside a $ref says nothing more.
    [ValidationTypes.IS_DEFINED]: {},
    // Event times are RFC 3339 timestamps.
    [IS_ISO8601]: { type: 'string', format: 'date-time' },
    [IS_URL]: { type: 'string', format: 'uri' },
    [IS_EMPTY]: { [ABSENT]: true },
  },
};

/** Path of a payload schema file, relative to `contracts/schemas/`. */
export function payloadSchemaFile(type: string, version: number): string {
  return `${type}/v${version}.schema.json`;
}

/** The class-validator class of each payload version of a definition that still has one (current + `previousPayloads`). */
export function payloadClasses(def: EventDefinition<string, object>): Map<number, AnyClass> {
  const out = new Map<number, AnyClass>();
  for (const [v, cls] of Object.entries(def.previousPayloads ?? {})) out.set(Number(v), cls as AnyClass);
  out.set(def.version, def.payload as AnyClass);
  return new Map([...out.entries()].sort(([a], [b]) => a - b));
}

/** Property names in declaration order, parent classes first (class-validator-jsonschema lists the subclass's first). */
function declarationOrder(cls: AnyClass): string[] {
  const metas = getMetadataStorage().getTargetValidationMetadatas(cls as never, '', true, false);
  const order: string[] = [];
  for (const c of lineage(cls)) for (const m of metas) if (m.target === c && !order.includes(m.propertyName)) order.push(m.propertyName);
  return order;
}

function nestedClass(cls: AnyClass, property: string): AnyClass | undefined {
  return defaultMetadataStorage.findTypeMetadata(cls, property)?.typeFunction();
}

function classDoc(docs: SourceDocs, cls: AnyClass, property?: string): string | undefined {
  for (const c of lineage(cls).reverse()) {
    const entry = docs.classes.get(c.name);
    const text = property === undefined ? entry?.doc : entry?.props.get(property);
    if (text) return text;
  }
  return undefined;
}

/** A property schema that also accepts `null` (`type: [T, "null"]`, or `anyOf` with `{ type: "null" }` for a `$ref`). */
function orNull(prop: JsonSchema): JsonSchema {
  if (typeof prop.type === 'string') {
    const out: JsonSchema = { ...prop, type: [prop.type, 'null'] };
    if (Array.isArray(prop.enum)) out.enum = [...prop.enum, null];
    return out;
  }
  const { description, ...schema } = prop;
  return { ...(description ? { description } : {}), anyOf: [schema, { type: 'null' }] };
}

/** The schema of one class (properties in declaration order, descriptions from the JSDoc), and the classes it references. */
function classSchema(cls: AnyClass, docs: SourceDocs): { schema: JsonSchema; refs: Map<string, AnyClass> } {
  const raw = targetConstructorToSchema(cls as never, OPTIONS) as JsonSchema & { properties?: Record<string, JsonSchema>; required?: string[] };
  const refs = new Map<string, AnyClass>();
  const properties: Record<string, JsonSchema> = {};
  for (const name of declarationOrder(cls)) {
    let prop = raw.properties?.[name];
    if (!prop) continue;
    if (prop[ABSENT]) {
      prop = { not: {}, description: classDoc(docs, cls, name) ?? 'Must be absent.' };
    } else {
      const ref = (prop.$ref ?? (prop.items as JsonSchema | undefined)?.$ref) as string | undefined;
      if (ref) {
        const nested = nestedClass(cls, name);
        if (!nested || `${DEFS}${nested.name}` !== ref) throw new Error(`${cls.name}.${name}: cannot resolve ${ref}`);
        refs.set(nested.name, nested);
      }
      const description = classDoc(docs, cls, name);
      prop = description ? { description, ...prop } : prop;
    }
    properties[name] = prop;
  }
  const description = classDoc(docs, cls);
  const required = (raw.required ?? []).filter((r) => properties[r] && !properties[r].not);
  // class-validator's @IsOptional() accepts null as absent, and producers do send null for absent optional fields.
  for (const [name, prop] of Object.entries(properties)) if (!required.includes(name) && !prop.not) properties[name] = orNull(prop);
  const schema: JsonSchema = {
    title: cls.name,
    ...(description ? { description } : {}),
    type: 'object',
    properties,
    ...(required.length ? { required: declarationOrder(cls).filter((n) => required.includes(n)) } : {}),
  };
  return { schema, refs };
}

/**
 * The JSON Schema of one payload class: its own properties at the root, nested classes under `$defs`.
 * Unknown properties are allowed (consumers ignore them), so adding an optional field is backward and forward
 * compatible.
 */
export function payloadSchema(type: string, version: number, cls: AnyClass, docs: SourceDocs = readSourceDocs()): JsonSchema {
  const root = classSchema(cls, docs);
  const defs = new Map<string, JsonSchema>();
  const queue = [...root.refs.values()];
  while (queue.length) {
    const c = queue.shift()!;
    if (defs.has(c.name)) continue;
    const { schema, refs } = classSchema(c, docs);
    defs.set(c.name, schema);
    queue.push(...refs.values());
  }
  const def = EVENT_REGISTRY.get(type);
  return {
    $schema: JSON_SCHEMA_DIALECT,
    $id: dataSchemaUri(type, version),
    ...root.schema,
    title: `${type} v${version} (data)`,
    description: [def?.description, root.schema.description].filter(Boolean).join(' '),
    ...(defs.size ? { $defs: Object.fromEntries([...defs.entries()].sort(([a], [b]) => a.localeCompare(b))) } : {}),
  };
}

/** The CloudEvents 1.0 envelope every event travels in (structured mode / the JSON event format). */
export function envelopeSchema(): JsonSchema {
  const str = (maxLength: number, description: string) => ({ type: 'string', minLength: 1, maxLength, description });
  return {
    $schema: JSON_SCHEMA_DIALECT,
    $id: ENVELOPE_SCHEMA_ID,
    title: 'CloudEvent envelope',
    description:
      'A CloudEvents 1.0 event in the JSON event format. `data` is validated by the schema whose `$id` is `dataschema` ' +
      '(`urn:cep:schema:<type>:v<dataversion>`, committed as `contracts/schemas/<type>/v<dataversion>.schema.json`). ' +
      'Extension attribute names are lowercase letters and digits.',
    type: 'object',
    properties: {
      specversion: { const: SPEC_VERSION, description: 'CloudEvents version.' },
      id: { type: 'string', format: 'uuid', description: 'Event id, a UUIDv7 (time ordered); the idempotency key of consumers.' },
      source: str(256, 'Producing service, e.g. `urn:cep:issuer`.'),
      type: { type: 'string', enum: EVENT_REGISTRY.all().map((d) => d.type), description: 'Event type, `<entity>.<fact>`.' },
      time: { type: 'string', format: 'date-time', description: 'When the fact happened (RFC 3339).' },
      subject: str(256, 'The aggregate id; also the Kafka message key.'),
      datacontenttype: { const: DATA_CONTENT_TYPE },
      dataschema: { type: 'string', pattern: '^urn:cep:schema:[a-z0-9.-]+:v[0-9]+$', description: 'URI (`$id`) of the JSON Schema of `data`.' },
      dataversion: { type: 'integer', minimum: 1, description: 'Payload version of `type` (extension attribute).' },
      organisationid: str(128, 'The tenant (extension attribute).'),
      correlationid: str(128, 'Correlates the events of one command or request (extension attribute).'),
      causationid: { type: 'string', maxLength: 128, description: 'Id of the event that caused this one, when there is one (extension attribute).' },
      data: { type: 'object', description: 'The payload; see `dataschema`.' },
    },
    required: ['specversion', 'id', 'source', 'type', 'time', 'subject', 'dataversion', 'organisationid', 'correlationid', 'data'],
    propertyNames: { pattern: ATTRIBUTE_NAME_RE.source },
  };
}

/** Every generated schema file: path relative to `contracts/schemas/` → schema. */
export function generateEventSchemas(): Map<string, JsonSchema> {
  const docs = readSourceDocs();
  const out = new Map<string, JsonSchema>([[ENVELOPE_SCHEMA_FILE, envelopeSchema()]]);
  for (const def of EVENT_REGISTRY.all()) {
    for (const [version, cls] of payloadClasses(def)) out.set(payloadSchemaFile(def.type, version), payloadSchema(def.type, version, cls, docs));
  }
  return out;
}

/** Stable file text of a schema. */
export function schemaText(schema: JsonSchema): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
