/**
 * Prints a results file as Markdown (machine line + table), for docs/benchmarks.md:
 *   node -r @swc-node/register bench/lib/render-results.ts bench/results/<date>.json
 */
import * as fs from 'fs';
import { formatMarkdown, type BenchResult } from './report';

const file = process.argv[2];
if (!file) {
  console.error('usage: render-results.ts <results.json>');
  process.exit(2);
}
const r = JSON.parse(fs.readFileSync(file, 'utf8')) as BenchResult;
const m = r.machine;
const o = r.options as { events?: number; repeats?: number; partitions?: number };
console.log(
  `Run ${r.startedAt} → ${r.finishedAt} (${r.mode}): ${o.events?.toLocaleString('en-US')} events, ${o.repeats} repeat(s), ${o.partitions} partitions. ` +
    `Machine: ${m.nproc} vCPU (${m.cpuModel}), ${m.memoryGiB} GiB RAM, Node ${m.node}, ${m.platform}${m.postgres ? `, ${m.postgres}` : ""}${m.kafka ? `, ${m.kafka}` : ""}.\n`,
);
console.log(formatMarkdown(r.rows.map((x) => ({ ...x, value: x.value ?? NaN }))));
if (r.errors.length) console.log(`\nFailed sections: ${r.errors.map((e) => e.section).join(', ')}`);
