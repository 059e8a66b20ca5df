import * as os from 'os';
import type { BenchRow } from '../bench-types';
import type { BenchContext } from '../lib/context';
import { median, round } from '../lib/stats';
import { resetReadModel, runProjectorToLagZero } from '../lib/workers';

/**
 * Scale: the history projector as 1 process vs 2 processes in the same consumer group (the partitions split
 * between them) over the same topics, from offset 0 to lag 0, on an emptied read model each time.
 */
export async function runScaleBench(ctx: BenchContext): Promise<BenchRow[]> {
  const { opts, infra, log } = ctx;
  const target = ctx.projections.find((p) => p.spec.key === 'history') ?? ctx.projections[0];
  if (!target) return [];
  const { spec, projection } = target;
  const one: number[] = [];
  const two: number[] = [];
  let messages = 0;
  for (let i = 0; i < opts.repeats; i++) {
    for (const instances of [1, 2]) {
      await resetReadModel(infra, spec);
      const name = `bench-${spec.key}-scale${instances}-r${i}`;
      const r = await runProjectorToLagZero(infra, spec, projection, { name, instances });
      messages = r.messages;
      (instances === 1 ? one : two).push(r.eventsPerSec);
      ctx.state.lastRunName[spec.key] = name;
      log(`scale ${spec.key}: ${instances} instance(s), run ${i + 1}: ${Math.round(r.eventsPerSec)} events/s`);
    }
  }
  const a = median(one);
  const b = median(two);
  return [
    {
      section: 'scale',
      name: `${spec.key}: 2 instances vs 1`,
      value: round(b, 0),
      unit: 'events/s',
      baseline: round(a, 0),
      ratio: round(b / a, 2),
      target: '≥ 0.9× (drop ≤ 10%)',
      met: b / a >= 0.9,
      note: `${messages.toLocaleString('en-US')} events, separate processes, same group, median of ${one.length}; both share the same ${os.cpus().length} cores with Kafka and PostgreSQL`,
    },
  ];
}
