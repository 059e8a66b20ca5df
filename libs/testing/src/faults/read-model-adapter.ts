import type { DataSource } from 'typeorm';
import type { EventEnvelope } from '@cep/contracts';
import type { Projection } from '@cep/messaging';

/**
 * What the fault suite needs to know about one read model. Rows are normalised to strings so the comparison
 * with the oracle is a plain set difference in both directions.
 */
export interface ReadModelAdapter {
  /** The projector app under apps/ (started as a real process). */
  app: string;
  /** The projection it runs (name, version → checkpoint name, topics, handled types). */
  projection: Projection;
  /** Table locked by the lock fault (schema-qualified). */
  lockTable: string;
  /** Normalised rows of one organisation as stored. */
  readRows(ds: DataSource, organisationId: string): Promise<string[]>;
  /** Normalised rows recomputed from the raw events, independently of the projector's SQL. */
  oracle(events: readonly EventEnvelope[]): string[];
  /** Events applied more than once for the organisation (0 when the model is exactly-once). */
  duplicateEventIds(ds: DataSource, organisationId: string, events: readonly EventEnvelope[]): Promise<number>;
}
