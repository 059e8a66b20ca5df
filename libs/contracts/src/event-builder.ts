import { DATA_CONTENT_TYPE, dataSchemaUri, SPEC_VERSION, type EventEnvelope } from './envelope';
import { newEventId } from './ids';
import type { EventDefinition } from './registry';

export interface EventMeta {
  organisationId: string;
  correlationId: string;
  /** Producing service, e.g. `urn:cep:issuer`. */
  source: string;
  /** When the fact happened; from the injected clock. */
  time: Date;
  causationId?: string;
  /** Supplied when replaying stored events; a new UUIDv7 otherwise. */
  id?: string;
}

/** Builds an envelope for a definition's current version; the subject is the definition's aggregate key. */
export function buildEvent<TType extends string, TPayload extends object>(
  def: EventDefinition<TType, TPayload>,
  data: TPayload,
  meta: EventMeta,
): EventEnvelope<TType, TPayload> {
  return {
    specversion: SPEC_VERSION,
    id: meta.id ?? newEventId(),
    source: meta.source,
    type: def.type,
    dataversion: def.version,
    time: meta.time.toISOString(),
    subject: def.key(data),
    datacontenttype: DATA_CONTENT_TYPE,
    dataschema: dataSchemaUri(def.type, def.version),
    organisationid: meta.organisationId,
    correlationid: meta.correlationId,
    ...(meta.causationId ? { causationid: meta.causationId } : {}),
    data: JSON.parse(JSON.stringify(data)) as TPayload,
  };
}
