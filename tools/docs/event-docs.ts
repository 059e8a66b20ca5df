/**
 * Renders `docs/events.md` from the contracts registry: topics, event types, versions, keys, descriptions,
 * consumers, history mapping and payload fields. Field types and constraints come from class-validator /
 * class-transformer metadata; field, class and topic descriptions from the JSDoc comments of the sources
 * (read with the TypeScript compiler API). Pure apart from reading the contract sources; deterministic.
 */
import 'reflect-metadata';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { getMetadataStorage } from 'class-validator';
import {
  EVENT_REGISTRY,
  HISTORY_ENTITY_FIELDS,
  HISTORY_MAPPING,
  SESSION_EVENT_NAMESPACE,
  SESSION_EVENT_TYPE_NAMES,
  TOPICS,
  type EventDefinition,
  type TopicKey,
} from '../../libs/contracts/src';

/** Any class (payload classes and the nested classes they reference). */
export type AnyClass = abstract new (...args: never[]) => unknown;

// class-transformer keeps `@Type()` metadata in an internal singleton; it is the only place the nested class
// of a `@ValidateNested()` property is recorded.
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as {
  defaultMetadataStorage: { findTypeMetadata(target: AnyClass, propertyName: string): { typeFunction: () => AnyClass } | undefined };
};

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const DOCS_PATH = path.join(REPO_ROOT, 'docs', 'events.md');
const CONTRACTS_SRC = path.join(REPO_ROOT, 'libs', 'contracts', 'src');

// ---------------------------------------------------------------------------------------------------------------
// JSDoc from the sources
// ---------------------------------------------------------------------------------------------------------------

export interface SourceDocs {
  classes: Map<string, { doc: string; props: Map<string, string> }>;
  topics: Map<string, string>;
}

function listSources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listSources(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) out.push(full);
  }
  return out;
}

function jsDocOf(node: ts.Node): string {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  const last = docs[docs.length - 1];
  if (!last?.comment) return '';
  return oneLine(ts.getTextOfJSDocComment(last.comment) ?? '');
}

function oneLine(text: string): string {
  return text
    .replace(/\{@link\s+([^}\s|]+)[^}]*\}/g, '`$1`')
    .replace(/\s*\n\s*-\s+/g, ' • ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function readSourceDocs(): SourceDocs {
  const classes: SourceDocs['classes'] = new Map();
  const topics: SourceDocs['topics'] = new Map();
  for (const file of listSources(CONTRACTS_SRC)) {
    const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    const visit = (node: ts.Node): void => {
      if (ts.isClassDeclaration(node) && node.name) {
        const props = new Map<string, string>();
        for (const m of node.members) {
          if (ts.isPropertyDeclaration(m) && ts.isIdentifier(m.name)) props.set(m.name.text, jsDocOf(m));
        }
        classes.set(node.name.text, { doc: jsDocOf(node), props });
      }
      if (
        ts.isVariableDeclaration(node) &&
        ts.isIdentifier(node.name) &&
        node.name.text === 'TOPICS' &&
        node.initializer
      ) {
        let init: ts.Expression = node.initializer;
        while (ts.isAsExpression(init) || ts.isSatisfiesExpression(init) || ts.isParenthesizedExpression(init)) init = init.expression;
        if (ts.isObjectLiteralExpression(init)) {
          for (const p of init.properties) {
            if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.name)) topics.set(p.name.text, jsDocOf(p));
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return { classes, topics };
}

// ---------------------------------------------------------------------------------------------------------------
// Fields from class-validator metadata
// ---------------------------------------------------------------------------------------------------------------

/** The parts of class-validator's (not exported) `ValidationMetadata` the generator reads. */
type ValidationMetadata = ReturnType<ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']>[number];

interface FieldDoc {
  name: string;
  type: string;
  required: string;
  constraints: string[];
  description: string;
  nested?: AnyClass;
}

/** Classes from the root of the hierarchy down to `cls`. */
export function lineage(cls: AnyClass): AnyClass[] {
  const chain: AnyClass[] = [];
  for (let c: any = cls; c && c !== Function.prototype && c !== Object; c = Object.getPrototypeOf(c)) chain.unshift(c);
  return chain;
}

function code(v: unknown): string {
  return '`' + String(v) + '`';
}

function describeFields(cls: AnyClass, docs: SourceDocs): FieldDoc[] {
  const metas = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
  const chain = lineage(cls);
  // Declaration order, parent classes first.
  const order: string[] = [];
  for (const c of chain) {
    for (const m of metas) if (m.target === c && !order.includes(m.propertyName)) order.push(m.propertyName);
  }
  return order.map((name) => {
    const own = metas.filter((m) => m.propertyName === name);
    return describeField(cls, name, own, chain, docs);
  });
}

function describeField(cls: AnyClass, name: string, metas: ValidationMetadata[], chain: AnyClass[], docs: SourceDocs): FieldDoc {
  const byName = (n: string) => metas.find((m) => m.name === n || m.type === n);
  const optional = !!byName('isOptional');
  const isArray = !!byName('isArray');
  const nestedMeta = metas.find((m) => m.type === 'nestedValidation');
  const nested = nestedMeta ? defaultMetadataStorage.findTypeMetadata(cls, name)?.typeFunction() : undefined;
  const constraints: string[] = [];
  let minLength: string | undefined;
  let maxLength: string | undefined;
  let minItems: string | undefined;
  let maxItems: string | undefined;
  let scalar = 'any';
  for (const m of metas) {
    const each = m.each ? 'each ' : '';
    const c = m.constraints ?? [];
    switch (m.name) {
      case 'isUuid':
        scalar = 'UUID';
        break;
      case 'isString':
        if (scalar === 'any') scalar = 'string';
        break;
      case 'isIn':
        scalar = (c[0] as readonly unknown[]).map((v) => code(JSON.stringify(v))).join(' \\| ');
        break;
      case 'isIso8601':
        scalar = 'ISO 8601 date-time';
        break;
      case 'isUrl':
        scalar = 'URL';
        break;
      case 'isInt':
        scalar = 'integer';
        break;
      case 'isBoolean':
        scalar = 'boolean';
        break;
      case 'maxLength':
        maxLength = `${each}max ${c[0]} chars`;
        break;
      case 'minLength':
        minLength = `${each}min ${c[0]} chars`;
        break;
      case 'arrayMaxSize':
        maxItems = `max ${c[0]} items`;
        break;
      case 'arrayMinSize':
        minItems = `min ${c[0]} items`;
        break;
      case 'isEmpty':
        constraints.push('must be absent');
        break;
      default:
        break;
    }
  }
  constraints.unshift(...[minItems, maxItems, minLength, maxLength].filter((c): c is string => !!c));
  let type = nested ? nested.name : scalar;
  if (isArray) type = `${type}[]`;
  if (byName('isEmpty') && !nested && scalar === 'any') type = '—';
  const required = byName('isEmpty') ? 'never' : optional ? 'no' : 'yes';
  let description = '';
  for (const c of [...chain].reverse()) {
    const d = docs.classes.get(c.name)?.props.get(name);
    if (d) {
      description = d;
      break;
    }
  }
  return { name, type, required, constraints: [...new Set(constraints)], description, nested };
}

function cell(text: string): string {
  return text.replace(/\|/g, (m, offset: number, s: string) => (s[offset - 1] === '\\' ? m : '\\|')).replace(/\n/g, ' ');
}

function fieldTable(fields: FieldDoc[]): string[] {
  const lines = ['| Field | Type | Required | Constraints | Description |', '|---|---|---|---|---|'];
  for (const f of fields) {
    const type = f.nested ? `[${f.type}](#type-${f.nested.name.toLowerCase()})` : f.type;
    lines.push(`| ${code(f.name)} | ${cell(type)} | ${f.required} | ${cell(f.constraints.join(', '))} | ${cell(f.description)} |`);
  }
  return lines;
}

/** Renders a key function by calling it on a probe that records the properties it reads. */
export function describeKey(def: EventDefinition<string, object>): string {
  const read: string[] = [];
  const probe = new Proxy(
    {},
    {
      get: (_t, p) => {
        if (typeof p === 'string') read.push(p);
        return `\u0000${String(p)}\u0000`;
      },
    },
  );
  const out = def.key(probe as never);
  const m = /^\u0000([^\u0000]+)\u0000$/.exec(out);
  if (m) return code(m[1]);
  return read.length ? `derived from ${read.map(code).join(', ')}` : 'constant';
}

function anchor(type: string): string {
  return `event-${type.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Document
// ---------------------------------------------------------------------------------------------------------------

export function renderEventDocs(): string {
  const docs = readSourceDocs();
  const out: string[] = [];
  const push = (...l: string[]) => out.push(...l);
  const defs = EVENT_REGISTRY.all();
  const topicKeys = Object.keys(TOPICS) as TopicKey[];

  push(
    '# Event catalogue',
    '',
    '<!-- Generated by `node -r @swc-node/register tools/docs/generate-event-docs.ts` from libs/contracts. Do not edit by hand: a unit test fails when this file is out of date. -->',
    '',
    'Every event is a CloudEvents 1.0 event (`libs/contracts/src/envelope.ts`): `specversion`, `id` (UUIDv7), `source`, `type`, `time` (RFC 3339, when the fact happened), `subject` (the partition key below), `datacontenttype` (`application/json`), `dataschema` (the URI of the payload\'s JSON Schema, `urn:cep:schema:<type>:v<version>`), the extension attributes `dataversion` (payload version), `organisationid` (tenant), `correlationid` and optional `causationid`, and `data` (the payload described here). Extension names are lowercase letters and digits, as CloudEvents requires; events written with the earlier names `organisationId`, `correlationId`, `causationId` are still read (renamed on read).',
    '',
    'Kafka: producers write structured content mode (`content-type: application/cloudevents+json; charset=utf-8`, the event as JSON in the value, key = `subject`); consumers also read binary content mode (`ce_<attribute>` headers, `content-type: application/json`, `data` as the value). Producers in other languages can use the SDKs of CloudEvents: a test builds every event type through the producer SDK, sends it through a real topic and parses it with the official `cloudevents` SDK (Kafka binding, strict mode); `docs/producers.md` shows how to produce from other languages.',
    '',
    '## Machine-readable contracts',
    '',
    'Generated from this catalogue by `npm run contracts:generate` (`tools/contracts/`) and committed; a unit test fails when they are out of date:',
    '',
    '- [`contracts/schemas/<type>/v<version>.schema.json`](../contracts/schemas/): JSON Schema 2020-12 of `data` for every event type and payload version, old versions included; its `$id` is the events\' `dataschema` (`urn:cep:schema:<type>:v<version>`). Optional fields may be absent or `null`; unknown fields are allowed (consumers ignore them).',
    '- [`contracts/schemas/cloudevent.schema.json`](../contracts/schemas/cloudevent.schema.json): the envelope (`urn:cep:schema:cloudevent`).',
    '- [`contracts/asyncapi.json`](../contracts/asyncapi.json): AsyncAPI 3.0, one channel per topic, one message per event type in structured content mode (what producers write) and one in binary mode (`<type>.binary`, what consumers also read), with the Kafka key and the `content-type`/`ce_` headers; checked with `@asyncapi/parser`.',
    '- Every event the producer apps emit in the integration suite is validated against these schemas with ajv.',
    '- **Evolution guard**: the generator refuses, and a unit test fails on, a backward-incompatible change to a published schema (a removed or retyped field, a newly required one, a narrowed enum or bound, `null` no longer accepted). Adding an optional field is fine. Anything else needs a new version of the event: bump `version`, keep the old class in `previousPayloads` (its schema stays published) and add an upcaster from the old version.',
    '',
    'Consumers reject a message as `malformed_json`, `invalid_envelope`, `unknown_type`, `unsupported_version` (newer than supported, or no upcaster), `invalid_payload` or `key_mismatch` (`subject` differs from the key computed from `data`). Older payload versions are upcast to the current one before validation. Optional fields accept `null` as absent.',
    '',
    '## Topics',
    '',
    '| Context | Kafka topic | Event types | Description |',
    '|---|---|---|---|',
  );
  for (const k of topicKeys) {
    const types = defs.filter((d) => d.topic === TOPICS[k]).map((d) => `[${code(d.type)}](#${anchor(d.type)})`);
    push(`| ${k} | ${code(TOPICS[k])} | ${types.join(', ') || '—'} | ${cell(docs.topics.get(k) ?? '')} |`);
  }

  const nestedTypes = new Map<string, AnyClass>();
  for (const k of topicKeys) {
    const topicDefs = defs.filter((d) => d.topic === TOPICS[k]);
    push('', `## ${k} — ${code(TOPICS[k])}`, '');
    if (docs.topics.get(k)) push(docs.topics.get(k)!, '');
    if (!topicDefs.length) push('No event types yet.');
    const renderedPayloads = new Map<AnyClass, string>();
    for (const def of topicDefs) {
      const history = (HISTORY_MAPPING as Record<string, { entityType: string; action: string } | null>)[def.type];
      const versions = Object.keys(def.upcasters ?? {})
        .map(Number)
        .sort((a, b) => a - b)
        .map((v) => `v${v} → v${v + 1}`);
      push(
        `<a id="${anchor(def.type)}"></a>`,
        '',
        `### ${code(def.type)} v${def.version}`,
        '',
        def.description,
        '',
        `- Version: ${def.version}${versions.length ? ` (upcasters: ${versions.join(', ')})` : ''}`,
        `- Key (envelope \`subject\`): ${describeKey(def)}`,
        `- JSON Schema (\`dataschema\`): ${Array.from({ length: def.version }, (_, i) => `[v${i + 1}](../contracts/schemas/${def.type}/v${i + 1}.schema.json)`).join(', ')} — AsyncAPI message ${code(def.type)} on channel ${code(def.topic)}`,
        `- Used by: ${def.usedBy.join(', ')}`,
        `- History: ${
          history
            ? `${code(history.entityType)} / ${code(history.action)}, entity id ${code(
                HISTORY_ENTITY_FIELDS[history.entityType as keyof typeof HISTORY_ENTITY_FIELDS].id,
              )}`
            : 'not recorded'
        }`,
      );
      const seen = renderedPayloads.get(def.payload);
      const classDoc = docs.classes.get(def.payload.name)?.doc;
      if (seen) {
        push(`- Payload: ${code(def.payload.name)}, fields as in [${code(seen)}](#${anchor(seen)})`, '');
        continue;
      }
      push(`- Payload: ${code(def.payload.name)}${classDoc ? ` — ${classDoc}` : ''}`, '');
      renderedPayloads.set(def.payload, def.type);
      const fields = describeFields(def.payload, docs);
      push(...fieldTable(fields), '');
      collectNested(fields, nestedTypes, docs);
    }
  }

  push('## Shared types', '');
  for (const name of [...nestedTypes.keys()].sort()) {
    const cls = nestedTypes.get(name)!;
    push(`<a id="type-${name.toLowerCase()}"></a>`, '', `### ${code(name)}`, '');
    const doc = docs.classes.get(name)?.doc;
    if (doc) push(doc, '');
    push(...fieldTable(describeFields(cls, docs)), '');
  }

  push(
    '## History mapping',
    '',
    'The history entry each event type produces (`HISTORY_MAPPING` in `libs/contracts/src/catalogue.ts`); `source` is `BRIDGE` for PROVIDER and INTERACTION entries, `CORE` otherwise.',
    '',
    '| Event type | Entity type | Action | Entity id field | Name field |',
    '|---|---|---|---|---|',
  );
  for (const def of defs) {
    const h = (HISTORY_MAPPING as Record<string, { entityType: keyof typeof HISTORY_ENTITY_FIELDS; action: string } | null>)[def.type];
    if (h) {
      const f = HISTORY_ENTITY_FIELDS[h.entityType];
      push(`| ${code(def.type)} | ${code(h.entityType)} | ${code(h.action)} | ${code(f.id)} | ${code(f.name)} |`);
    } else {
      push(`| ${code(def.type)} | — | — | — | — |`);
    }
  }

  push(
    '',
    '## Session events: published shape',
    '',
    `API consumers see session events in the walt.id-style shape (\`toPublishedShape\` in \`libs/contracts/src/events/session.events.ts\`), fields in this order: \`type\`, \`eventType\`, \`_id\`, \`originator\`, \`organization\`, \`target\`, \`timestamp\`, \`action\`, \`status\`, \`callId\`, \`error\`, then the per-type fields. Absent optional fields are published as \`null\`.`,
    '',
    '| Published field | Source |',
    '|---|---|',
    `| \`type\` | \`${SESSION_EVENT_NAMESPACE}.<eventType>\` (namespace constant \`SESSION_EVENT_NAMESPACE\`) |`,
    '| `eventType` | from the envelope `type`, see below |',
    '| `_id` | envelope `id` |',
    '| `organization` | envelope `organisationId` |',
    '| `timestamp` | envelope `time` as Unix milliseconds |',
    '| all other fields | `data` |',
    '',
    '| Envelope type | Published `eventType` |',
    '|---|---|',
  );
  for (const [type, name] of Object.entries(SESSION_EVENT_TYPE_NAMES)) {
    push(`| ${code(type)} | ${typeof name === 'string' ? code(name) : `\`data.walletEventType\`: ${(name as readonly string[]).map(code).join(', ')}`} |`);
  }
  push('');
  return out.join('\n').replace(/\n{3,}/g, '\n\n');
}

function collectNested(fields: FieldDoc[], into: Map<string, AnyClass>, docs: SourceDocs): void {
  for (const f of fields) {
    if (f.nested && !into.has(f.nested.name)) {
      into.set(f.nested.name, f.nested);
      collectNested(describeFields(f.nested, docs), into, docs);
    }
  }
}
