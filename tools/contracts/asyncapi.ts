/**
 * The AsyncAPI 3.0 document of the platform's Kafka topics, generated from the contracts catalogue (the same one
 * the JSON Schemas come from): one channel per topic, one message per event type (structured content mode, what
 * producers write) plus its binary-mode form (which consumers also read), the key and the headers of each.
 * Written to `contracts/asyncapi.json` by `npm run contracts:generate`.
 */
import { EVENT_REGISTRY, TOPICS, type EventDefinition, type TopicKey } from '../../libs/contracts/src';
import { describeKey, readSourceDocs } from '../docs/event-docs';
import { envelopeSchema, payloadSchema, type JsonSchema } from './event-schemas';

export const ASYNCAPI_FILE = 'asyncapi.json';

const STRUCTURED = 'application/cloudevents+json; charset=utf-8';
const KAFKA_BINDING_VERSION = '0.5.0';

/** A schema embedded in the document: refs to `#/$defs/X` become `#/components/schemas/X`; `$schema`/`$id`/`$defs` go. */
function embed(schema: JsonSchema, defs: Map<string, JsonSchema>): JsonSchema {
  const { $schema: _s, $id, $defs, ...rest } = schema as JsonSchema & { $defs?: Record<string, JsonSchema> };
  for (const [name, def] of Object.entries($defs ?? {})) {
    const embedded = embed(def, defs);
    const known = defs.get(name);
    if (known && JSON.stringify(known) !== JSON.stringify(embedded)) throw new Error(`two different nested classes are named ${name}`);
    defs.set(name, embedded);
  }
  const text = JSON.stringify(rest).replace(/"#\/\$defs\//g, '"#/components/schemas/');
  return { ...(JSON.parse(text) as JsonSchema), ...($id ? { 'x-dataschema': $id } : {}) };
}

function schemaName(type: string, version: number): string {
  return `${type}.v${version}`;
}

const ref = (to: string) => ({ $ref: to });

/** Headers of a structured-mode message, as the platform's producers write them. */
function structuredHeaders(def: EventDefinition<string, object>): JsonSchema {
  return {
    type: 'object',
    description: 'Structured content mode. The `ce_` headers are routing hints copied from the event; the value is authoritative.',
    properties: {
      'content-type': { type: 'string', const: STRUCTURED },
      ce_id: { type: 'string', format: 'uuid', description: 'The event `id`.' },
      ce_type: { type: 'string', const: def.type, description: 'The event `type`.' },
      ce_organisationid: { type: 'string', description: 'The event `organisationid` (tenant).' },
    },
    required: ['content-type'],
  };
}

/** Headers of a binary-mode message: one `ce_<attribute>` header per context attribute, `content-type` = `datacontenttype`. */
function binaryHeaders(def: EventDefinition<string, object>): JsonSchema {
  const envelope = envelopeSchema() as { properties: Record<string, JsonSchema>; required: string[] };
  const properties: Record<string, JsonSchema> = { 'content-type': { type: 'string', const: 'application/json', description: 'The `datacontenttype`.' } };
  for (const [name, s] of Object.entries(envelope.properties)) {
    if (name === 'data' || name === 'datacontenttype') continue;
    const header: JsonSchema = { type: 'string', description: `The \`${name}\` attribute. ${String(s.description ?? '')}`.trim() };
    if (name === 'type') header.const = def.type;
    if (name === 'specversion') header.const = '1.0';
    if (name === 'dataversion') header.pattern = '^[1-9][0-9]*$';
    properties[`ce_${name}`] = header;
  }
  return {
    type: 'object',
    description: 'Binary content mode: the value is `data` (JSON); every context attribute is a `ce_` header (string values).',
    properties,
    required: envelope.required.filter((n) => n !== 'data').map((n) => `ce_${n}`),
  };
}

/** The document (plain JSON). */
export function generateAsyncApi(): JsonSchema {
  const docs = readSourceDocs();
  const schemas = new Map<string, JsonSchema>();
  const defs = new Map<string, JsonSchema>();
  schemas.set('CloudEvent', embed(envelopeSchema(), defs));
  const messages: Record<string, JsonSchema> = {};
  const channels: Record<string, JsonSchema> = {};
  const operations: Record<string, JsonSchema> = {};

  for (const key of Object.keys(TOPICS) as TopicKey[]) {
    const topic = TOPICS[key];
    const topicDefs = EVENT_REGISTRY.forTopic(topic);
    const channelMessages: Record<string, JsonSchema> = {};
    for (const def of topicDefs) {
      const data = schemaName(def.type, def.version);
      schemas.set(data, embed(payloadSchema(def.type, def.version, def.payload, docs), defs));
      const keyField = describeKey(def);
      const kafka = {
        key: { type: 'string', description: `The aggregate id: ${keyField} of \`data\` (= the envelope \`subject\`).` },
        bindingVersion: KAFKA_BINDING_VERSION,
      };
      messages[def.type] = {
        name: def.type,
        title: `${def.type} v${def.version}`,
        summary: def.description,
        contentType: STRUCTURED,
        headers: structuredHeaders(def),
        payload: {
          allOf: [
            ref('#/components/schemas/CloudEvent'),
            {
              type: 'object',
              properties: {
                type: { const: def.type },
                dataversion: { const: def.version },
                dataschema: { const: `urn:cep:schema:${def.type}:v${def.version}` },
                data: ref(`#/components/schemas/${data}`),
              },
            },
          ],
        },
        correlationId: { description: 'Events of one command or request share a `correlationid`.', location: '$message.payload#/correlationid' },
        bindings: { kafka },
      };
      messages[`${def.type}.binary`] = {
        name: `${def.type}.binary`,
        title: `${def.type} v${def.version} (binary content mode)`,
        summary: `${def.description} Binary content mode: read by every consumer; the platform's producers write the structured form.`,
        contentType: 'application/json',
        headers: binaryHeaders(def),
        payload: ref(`#/components/schemas/${data}`),
        bindings: { kafka },
      };
      channelMessages[def.type] = ref(`#/components/messages/${def.type}`);
      channelMessages[`${def.type}.binary`] = ref(`#/components/messages/${def.type}.binary`);
    }
    channels[key] = {
      address: topic,
      title: topic,
      description: `${docs.topics.get(key) ?? ''} Key: the aggregate id (the envelope \`subject\`), so one entity's events stay ordered; no order across topics.`.trim(),
      messages: channelMessages,
      bindings: { kafka: { topic, bindingVersion: KAFKA_BINDING_VERSION } },
    };
    const names = topicDefs.map((d) => d.type);
    if (!names.length) continue;
    operations[`publish-${key}`] = {
      action: 'send',
      title: `Producers publish to ${topic}`,
      summary: 'Structured content mode, through the transactional outbox.',
      channel: ref(`#/channels/${key}`),
      messages: names.map((n) => ref(`#/channels/${key}/messages/${n}`)),
    };
    operations[`consume-${key}`] = {
      action: 'receive',
      title: `Consumers read ${topic}`,
      summary: 'Structured or binary content mode; invalid messages go to the consumer group\'s dead-letter topic `cep.dlq.<group>`.',
      channel: ref(`#/channels/${key}`),
      messages: names.flatMap((n) => [ref(`#/channels/${key}/messages/${n}`), ref(`#/channels/${key}/messages/${n}.binary`)]),
    };
  }
  for (const [name, def] of [...defs.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if (schemas.has(name)) throw new Error(`schema name ${name} is used twice`);
    schemas.set(name, def);
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Credential event platform — event topics',
      version: '1.0.0',
      description:
        'Kafka topics of the credential event platform. Every message is a CloudEvents 1.0 event (Kafka protocol binding). ' +
        'Producers write structured content mode; consumers read structured and binary mode. The payload (`data`) of each ' +
        'type and version is also published as a JSON Schema 2020-12 file under `contracts/schemas/`, whose `$id` is the ' +
        'event\'s `dataschema`. Generated from libs/contracts by `npm run contracts:generate`.',
    },
    defaultContentType: STRUCTURED,
    servers: {
      local: { host: '127.0.0.1:9092', protocol: 'kafka', description: 'The development broker (`npm run kafka:start`).' },
    },
    channels,
    operations,
    components: { schemas: Object.fromEntries(schemas), messages },
  };
}
