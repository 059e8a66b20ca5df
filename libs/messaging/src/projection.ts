import type { QueryRunner } from 'typeorm';
import type { EventEnvelope } from '@cep/contracts';

export interface ProjectionContext {
  /** The open transaction of this batch: read-model writes, checkpoint and dedupe all commit together. */
  tx: QueryRunner;
  topic: string;
  partition: number;
}

/**
 * A projection: a declaration plus a function that turns a batch of events into set-based writes.
 * The runner owns Kafka, batching, transactions, checkpoints and dead letters.
 */
export interface Projection {
  /** Stable name; with the version it keys the checkpoints (`history@1`). */
  readonly name: string;
  /** Bump to rebuild from offset 0 (see docs/operations.md). */
  readonly version: number;
  readonly topics: readonly string[];
  /** Event types this projection applies; others only advance the checkpoint. */
  readonly handles: readonly string[];
  /**
   * `runner`: the runner records every applied event id in `projection.processed_events` in the same
   * transaction and hands `apply` only ids it has not seen (needed by aggregating projections).
   * `projection`: `apply` is idempotent by event id itself (e.g. insert ... on conflict (id) do nothing).
   */
  readonly dedupe: 'runner' | 'projection';
  apply(events: EventEnvelope[], ctx: ProjectionContext): Promise<void>;
}

export function checkpointName(p: Pick<Projection, 'name' | 'version'>): string {
  return `${p.name}@${p.version}`;
}
