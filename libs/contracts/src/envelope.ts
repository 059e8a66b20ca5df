/**
 * The common event envelope: a CloudEvents 1.0 event. Context attributes `specversion`, `id`, `source`, `type`,
 * `time`, `subject`, `datacontenttype`, `dataschema`, and the extension attributes `dataversion` (the per-type
 * payload version), `organisationid` (the tenant), `correlationid` and optional `causationid`. Extension names
 * are lowercase letters and digits only, as CloudEvents requires (envelopes written before this rule used
 * `organisationId`, `correlationId` and `causationId`; consumers upcast them on read, see `upcastEnvelope`).
 *
 * `id` is a UUIDv7 (time ordered), `subject` is the aggregate id and the Kafka partition key,
 * `time` is the RFC 3339 time at which the fact happened (not when it was published), `dataschema` is the URI
 * (`$id`) of the JSON Schema of `data` for this type and `dataversion` (see `dataSchemaUri`).
 */
export interface EventEnvelope<TType extends string = string, TData = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: TType;
  dataversion: number;
  time: string;
  subject: string;
  datacontenttype: 'application/json';
  dataschema: string;
  organisationid: string;
  correlationid: string;
  /** Optional: id of the event that caused this one. */
  causationid?: string;
  data: TData;
}

export const SPEC_VERSION = '1.0' as const;
export const DATA_CONTENT_TYPE = 'application/json' as const;

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The extension attributes of the envelope (everything that is not a CloudEvents core attribute nor `data`). */
export const EXTENSION_ATTRIBUTES = ['dataversion', 'organisationid', 'correlationid', 'causationid'] as const;

/** CloudEvents attribute names: lowercase ASCII letters and digits (the spec; its SDKs reject anything else). */
export const ATTRIBUTE_NAME_RE = /^[a-z0-9]+$/;

/** Attribute names of envelopes written before the CloudEvents naming rule, and their current names. */
export const LEGACY_ATTRIBUTE_NAMES: ReadonlyMap<string, (typeof EXTENSION_ATTRIBUTES)[number]> = new Map([
  ['organisationId', 'organisationid'],
  ['correlationId', 'correlationid'],
  ['causationId', 'causationid'],
]);

/**
 * Base of every `dataschema` URI. Each URI is also the `$id` of a committed JSON Schema file:
 * `urn:cep:schema:<type>:v<version>` ↔ `contracts/schemas/<type>/v<version>.schema.json` (`npm run contracts:generate`).
 */
export const DATA_SCHEMA_PREFIX = 'urn:cep:schema:';

/** The `dataschema` URI of an event type's payload version. */
export function dataSchemaUri(type: string, version: number): string {
  return `${DATA_SCHEMA_PREFIX}${type}:v${version}`;
}

/**
 * An envelope with the legacy camelCase attribute names renamed to their CloudEvents names (a current name wins
 * when both are present). Returns the same object when there is nothing to rename. Pure.
 */
export function upcastEnvelope(raw: Record<string, unknown>): Record<string, unknown> {
  if (![...LEGACY_ATTRIBUTE_NAMES.keys()].some((k) => Object.hasOwn(raw, k))) return raw;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    const current = LEGACY_ATTRIBUTE_NAMES.get(k);
    if (current === undefined) out[k] = v;
    else if (!Object.hasOwn(raw, current)) out[current] = v;
  }
  return out;
}
