import * as fs from 'fs';
import * as path from 'path';
import type { Projection } from '@cep/messaging';

const ROOT = path.resolve(__dirname, '../..');

/** Resolves a workspace alias (`@cep/history`) through tsconfig.base.json: a computed require is not rewritten by swc. */
function resolveAlias(mod: string): string {
  const base = JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.base.json'), 'utf8')) as { compilerOptions?: { paths?: Record<string, string[]> } };
  const target = base.compilerOptions?.paths?.[mod]?.[0];
  return target ? path.join(ROOT, target) : mod;
}

/**
 * The read-model projections the benchmark times, when their lib exports them (read models land at different
 * times: a missing one is skipped and reported). `schema` is the Postgres schema the projection writes (truncated
 * between repeats, checksummed by the duplicates section, copied by B_copy).
 */
export interface ProjectionSpec {
  key: string;
  module: string;
  exportName: string;
  schema: string;
}

export const PROJECTION_SPECS: ProjectionSpec[] = [
  { key: 'history', module: '@cep/history', exportName: 'historyProjection', schema: 'history' },
  { key: 'activity', module: '@cep/activity', exportName: 'activityProjection', schema: 'activity' },
  { key: 'reports', module: '@cep/reports', exportName: 'reportProjection', schema: 'reports' },
  { key: 'event-log', module: '@cep/event-log', exportName: 'eventLogProjection', schema: 'event_log' },
];

export function loadProjection(spec: Pick<ProjectionSpec, 'module' | 'exportName'>): Projection | undefined {
  try {
    const mod = require(resolveAlias(spec.module)) as Record<string, unknown>;
    const p = mod[spec.exportName] as Projection | undefined;
    return p && typeof p.apply === 'function' && Array.isArray(p.topics) ? p : undefined;
  } catch (err) {
    if (process.env.BENCH_DEBUG) console.error(`[bench] cannot load ${spec.module}:`, err);
    return undefined;
  }
}

/** The bench topic standing in for a platform topic: `bench.<run>.<platform topic>`. */
export function benchTopic(runId: string, platformTopic: string): string {
  return `bench.${runId}.${platformTopic}`;
}

/** The projection with a benchmark-private name (own checkpoints) reading the benchmark's copies of its topics. */
export function benchProjection(p: Projection, runId: string, name: string): Projection {
  return { ...p, name, topics: p.topics.map((t) => benchTopic(runId, t)) };
}
