/**
 * One line of the benchmark table. Every section returns rows of this shape; `bench/run.ts` merges them into
 * one printed table and `bench/results/<date>.json`.
 * - `value` is the measured figure (a median over the repeats unless the name says otherwise), in `unit`;
 * - `baseline` is the same-run reference figure it is compared with (same unit), `ratio` = value / baseline;
 * - `target` is the condition in words (e.g. `≥ 0.5× B_copy`), `met` whether the measured figure satisfies it.
 */
export interface BenchRow {
  section: string;
  name: string;
  value: number;
  unit: string;
  baseline?: number;
  ratio?: number;
  target?: string;
  met?: boolean;
  /** Free-text remark (sample size, extrapolation, why a figure is missing). */
  note?: string;
}

/** Options every section receives; read-model sections get their own size parameter as well. */
export interface BenchSectionOptions {
  quick: boolean;
}
