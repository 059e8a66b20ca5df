import type { IHeaders } from 'kafkajs';
import { DATA_CONTENT_TYPE, EVENT_REGISTRY, parseEvent, validateEvent, type EventEnvelope, type EventRegistry, type ParseResult } from '@cep/contracts';

/**
 * The CloudEvents Kafka protocol binding (version 1.0) as this platform uses it.
 *
 * Producers write **structured** content mode: the value is the whole event in the JSON event format and
 * `content-type` is `application/cloudevents+json; charset=utf-8`. They also copy `ce_id`, `ce_type` and
 * `ce_organisationid` into headers as routing hints for tools that do not parse values; the content type, not
 * those headers, decides the mode.
 *
 * Consumers read both modes (`decodeKafkaMessage`):
 * - structured: `content-type` starts with `application/cloudevents+json`;
 * - binary: any other (or no) `content-type` and a `ce_specversion` header: every `ce_<name>` header is the
 *   attribute `<name>`, `content-type` is `datacontenttype` (must be `application/json`) and the value is `data`
 *   (JSON). Header values are strings, so `dataversion` is read as a decimal integer;
 * - neither (no CloudEvents headers at all): the value is read as a structured event, as written before the
 *   headers existed.
 * Batched mode (`application/cloudevents-batch+json`) and other event formats are rejected (`invalid_envelope`).
 */
export const STRUCTURED_CONTENT_TYPE = 'application/cloudevents+json; charset=utf-8';

const CE_JSON = 'application/cloudevents+json';
const CE_PREFIX = 'application/cloudevents';
const HEADER_PREFIX = 'ce_';

/** A message ready for Kafka: structured-mode CloudEvent (JSON value) keyed by the aggregate id. */
export interface OutgoingMessage {
  topic: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

/** Serialises an envelope to its wire form (structured mode). Topic comes from the contracts, key is the subject. */
export function toOutgoingMessage(event: EventEnvelope): OutgoingMessage {
  const def = EVENT_REGISTRY.get(event.type);
  if (!def) throw new Error(`unknown event type ${event.type}`);
  return {
    topic: def.topic,
    key: event.subject,
    value: JSON.stringify(event),
    headers: {
      'content-type': STRUCTURED_CONTENT_TYPE,
      ce_id: event.id,
      ce_type: event.type,
      ce_organisationid: event.organisationid,
    },
  };
}

/** Kafka headers as strings (kafkajs hands out Buffers; a repeated header keeps its first value). */
export function headerStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, raw] of Object.entries(headers ?? {})) {
    const v = Array.isArray(raw) ? raw[0] : raw;
    if (v !== undefined && v !== null) out[k.toLowerCase()] = typeof v === 'string' ? v : v.toString('utf8');
  }
  return out;
}

export type ContentMode = 'structured' | 'binary';

/** The content mode of a message (see the module comment), or an error for modes and formats not supported. */
export function contentModeOf(headers: Record<string, string>): ContentMode | { unsupported: string } {
  const contentType = headers['content-type'];
  if (contentType !== undefined && contentType.toLowerCase().startsWith(CE_PREFIX)) {
    return contentType.toLowerCase().startsWith(CE_JSON) ? 'structured' : { unsupported: `content-type ${contentType} is not supported (only ${CE_JSON})` };
  }
  return headers[`${HEADER_PREFIX}specversion`] !== undefined ? 'binary' : 'structured';
}

/** The attributes of a binary-mode message: `ce_<name>` headers, `content-type` as `datacontenttype`. */
function binaryAttributes(headers: Record<string, string>): Record<string, unknown> {
  const attrs: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (k.startsWith(HEADER_PREFIX) && k.length > HEADER_PREFIX.length) attrs[k.slice(HEADER_PREFIX.length)] = v;
  }
  if (typeof attrs.dataversion === 'string' && /^[0-9]{1,9}$/.test(attrs.dataversion)) attrs.dataversion = Number(attrs.dataversion);
  if (headers['content-type'] !== undefined) attrs.datacontenttype = headers['content-type'].split(';')[0].trim().toLowerCase();
  return attrs;
}

/**
 * Decodes and validates one Kafka message in either content mode (see the module comment), upcasting legacy
 * attribute names and older payload versions like {@link parseEvent}. Pure: never throws for bad input.
 */
export function decodeKafkaMessage(
  value: Buffer | string | null | undefined,
  headers: IHeaders | undefined,
  registry: EventRegistry = EVENT_REGISTRY,
): ParseResult {
  const h = headerStrings(headers);
  const mode = contentModeOf(h);
  if (typeof mode === 'object') return { ok: false, reason: 'invalid_envelope', error: mode.unsupported, id: h.ce_id, type: h.ce_type };
  if (mode === 'structured') return parseEvent(value, registry);
  const attrs = binaryAttributes(h);
  const id = typeof attrs.id === 'string' ? attrs.id : undefined;
  const type = typeof attrs.type === 'string' ? attrs.type : undefined;
  if (attrs.datacontenttype !== undefined && attrs.datacontenttype !== DATA_CONTENT_TYPE) {
    return { ok: false, reason: 'invalid_envelope', error: `datacontenttype must be ${DATA_CONTENT_TYPE}, got ${String(attrs.datacontenttype)}`, id, type };
  }
  if (value === null || value === undefined) return { ok: false, reason: 'malformed_json', error: 'empty message (tombstone)', id, type };
  let data: unknown;
  try {
    data = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch (err) {
    return { ok: false, reason: 'malformed_json', error: `data is not valid JSON: ${(err as Error).message}`, id, type };
  }
  return validateEvent({ ...attrs, data }, registry);
}

/**
 * The value to keep for a dead-lettered message: the original bytes for a structured message; for a binary one
 * the same event in structured form (attributes from the headers; `data` parsed when it is JSON, the raw text
 * otherwise), so the dead letter carries every attribute and can be re-driven as a structured message.
 */
export function deadLetterValue(value: Buffer | string | null | undefined, headers: IHeaders | undefined): string | null {
  const text = value === null || value === undefined ? null : typeof value === 'string' ? value : value.toString('utf8');
  const h = headerStrings(headers);
  if (contentModeOf(h) !== 'binary') return text;
  let data: unknown = text;
  try {
    if (text !== null) data = JSON.parse(text);
  } catch {
    // keep the raw text
  }
  return JSON.stringify({ ...binaryAttributes(h), data });
}
