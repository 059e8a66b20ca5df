/**
 * The common event envelope. Attribute names follow CloudEvents 1.0 (`specversion`, `id`, `source`, `type`,
 * `time`, `subject`, `datacontenttype`, `dataschema`) plus the CloudEvents extension `dataversion` (the
 * per-type payload version) and our two platform attributes `organisationId` (the tenant) and `correlationId`.
 *
 * `id` is a UUIDv7 (time ordered), `subject` is the aggregate id and the Kafka partition key,
 * `time` is the RFC 3339 time at which the fact happened (not when it was published).
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
  dataschema?: string;
  organisationId: string;
  correlationId: string;
  /** Optional: id of the event that caused this one. */
  causationId?: string;
  data: TData;
}

export const SPEC_VERSION = '1.0' as const;
export const DATA_CONTENT_TYPE = 'application/json' as const;

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
