import type { DataSource } from 'typeorm';
import type { Projection } from '@cep/messaging';
import type { BenchRow } from '../bench-types';
import type { EventMix } from './event-mix';
import type { BenchInfra } from './infra';
import type { PreloadResult } from './preload';
import type { ProjectionSpec } from './projections';

export interface BenchOptions {
  quick: boolean;
  /** Events preloaded for the ingest section. */
  events: number;
  /** Timed repeats of each measurement (the table shows the median). */
  repeats: number;
  partitions: number;
  /** Events the naive one-event-per-transaction projector is timed on (then extrapolated as a rate). */
  naiveEvents: number;
  freshnessSeconds: number;
  /** Producer rate of the freshness section (events/s); default 20% of the history ingest median. */
  freshnessRate?: number;
  queryDurationSeconds: number;
  sections: string[];
  keepDatabase: boolean;
  /** Size passed to the read-model sections (default: their own, 1M except the event log's 50k; quick: 20k / 5k). */
  modelSize?: number;
  /** `--projections history,reports`: only these projections (default all). */
  projections?: string[];
}

export interface AvailableProjection {
  spec: ProjectionSpec;
  projection: Projection;
}

/** What one section leaves for the next (the ingest rates set the freshness load; names locate checkpoints). */
export interface BenchState {
  preload?: PreloadResult;
  /** Median projector events/s per projection key. */
  rates: Record<string, number>;
  /** Checkpoint name of the projector run whose rows are in the read model now. */
  lastRunName: Record<string, string>;
}

export interface BenchContext {
  opts: BenchOptions;
  infra: BenchInfra;
  ds: DataSource;
  mix: EventMix;
  projections: AvailableProjection[];
  state: BenchState;
  log(msg: string): void;
  rows: BenchRow[];
}
