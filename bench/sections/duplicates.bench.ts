import type { BenchRow } from '../bench-types';
import type { BenchContext } from '../lib/context';
import { preload, redeliver } from '../lib/preload';
import { round } from '../lib/stats';
import { runProjectorToLagZero, schemaChecksum } from '../lib/workers';

/**
 * Duplicates: 10% of the preloaded events (every 10th, same ids and keys) are produced again, at new offsets, so
 * the checkpoint does not filter them: only the projection's or the runner's dedupe does. The same-run baseline is
 * the same number of NEW events of the same mix, applied the same way just before (same batch shapes, same
 * start-up): per-event cost = time from the first batch to lag 0 ÷ events. Every table of the projection's schema
 * is checksummed (row count + sum of row hashes) before and after the redelivery.
 */
export async function runDuplicatesBench(ctx: BenchContext): Promise<BenchRow[]> {
  const { infra, log, state } = ctx;
  const rows: BenchRow[] = [];
  if (!state.preload) throw new Error('duplicates needs the ingest preload');
  const ready = ctx.projections.filter((p) => state.lastRunName[p.spec.key]);
  const dupCount = state.preload.sample.reduce((s, x) => s + x.messages.length, 0);

  await preload(infra, ctx.mix, dupCount, log);
  const fresh = new Map<string, { seconds: number; messages: number }>();
  for (const { spec, projection } of ready) {
    fresh.set(spec.key, await runProjectorToLagZero(infra, spec, projection, { name: state.lastRunName[spec.key], inProcess: ctx.ds }));
  }
  const before = new Map<string, Record<string, string>>();
  for (const { spec } of ready) before.set(spec.key, await schemaChecksum(infra, spec.schema));

  const n = await redeliver(infra, state.preload.sample);
  log(`duplicates: ${dupCount} new events applied; re-delivered ${n} events (10% of the preload)`);
  for (const { spec, projection } of ready) {
    const r = await runProjectorToLagZero(infra, spec, projection, { name: state.lastRunName[spec.key], inProcess: ctx.ds });
    const after = await schemaChecksum(infra, spec.schema);
    const prev = before.get(spec.key)!;
    const changed = Object.keys({ ...prev, ...after }).filter((t) => prev[t] !== after[t]);
    const f = fresh.get(spec.key)!;
    const dupCostUs = (r.seconds / r.messages) * 1e6;
    const freshCostUs = (f.seconds / f.messages) * 1e6;
    log(`duplicates ${spec.key}: ${r.messages} redelivered in ${r.seconds.toFixed(2)} s vs ${f.messages} new in ${f.seconds.toFixed(2)} s; tables changed: ${changed.join(', ') || 'none'}`);
    rows.push({
      section: 'duplicates',
      name: `${spec.key} per-event cost, redelivered vs new`,
      value: round(dupCostUs, 1),
      unit: 'µs/event',
      baseline: round(freshCostUs, 1),
      ratio: round(dupCostUs / freshCostUs, 2),
      target: '≤ 1.2× new',
      met: dupCostUs / freshCostUs <= 1.2,
      note: `${r.messages.toLocaleString('en-US')} redelivered vs ${f.messages.toLocaleString('en-US')} new events of the same mix (single run each)`,
    });
    rows.push({
      section: 'duplicates',
      name: `${spec.key} tables changed by the redelivery`,
      value: changed.length,
      unit: 'tables',
      target: '= 0',
      met: changed.length === 0,
      note: changed.length ? `changed: ${changed.join(', ')}` : `checksummed: ${Object.keys(after).join(', ')}`,
    });
  }
  return rows;
}
