import { setHistoryChainSettings } from '@cep/history';
import type { BenchRow } from '../bench-types';
import { OPERATION_BY_EVENT_TYPE } from '@cep/reports';
import { copyBaseline, drainBaseline, naiveProjector, reportsSqlBaseline } from '../lib/baselines';
import type { BenchContext } from '../lib/context';
import { benchProjection } from '../lib/projections';
import { median, round } from '../lib/stats';
import { resetReadModel, runProjectorToLagZero } from '../lib/workers';

/**
 * Ingest: each projector from offset 0 to lag 0 over the preloaded topics, against three same-run baselines:
 * B_drain (consume only), B_copy (COPY of exactly the rows it produced, same indexes) and a naive
 * one-event-per-transaction projector (timed on a prefix, reported as a rate).
 */
export async function runIngestBench(ctx: BenchContext): Promise<BenchRow[]> {
  const { opts, infra, log } = ctx;
  const rows: BenchRow[] = [];
  const drainCache = new Map<string, number>();
  for (const { spec, projection } of ctx.projections) {
    const topics = benchProjection(projection, infra.runId, 'x').topics;
    const topicKey = [...topics].sort().join(',');
    const section = 'ingest';

    // B_drain: once per distinct topic set, median of the repeats.
    let drain = drainCache.get(topicKey);
    if (drain === undefined) {
      const runs: number[] = [];
      for (let i = 0; i < opts.repeats; i++) runs.push((await drainBaseline(infra, topics, `${spec.key}-${i}`)).eventsPerSec);
      drain = median(runs);
      drainCache.set(topicKey, drain);
      log(`ingest ${spec.key}: B_drain ${Math.round(drain)} events/s (runs ${runs.map(Math.round).join(', ')})`);
    }

    // Naive contrast on a prefix (it writes the same tables: reset afterwards).
    await resetReadModel(infra, spec);
    const naive = await naiveProjector(infra, ctx.ds, benchProjection(projection, infra.runId, `bench-naive-${spec.key}`), opts.naiveEvents);
    log(`ingest ${spec.key}: naive ${Math.round(naive.eventsPerSec)} events/s over ${naive.messages} events`);

    // History: each run with the tamper-evident chain on (the default) follows one with it off, so drift of the
    // shared machine hits both; the last run (on) leaves the read model as always.
    const chainOff = spec.key === 'history' ? { rate: 0, runs: [] as number[] } : undefined;
    // The projector, from offset 0 to lag 0, `repeats` times on an emptied read model.
    const runs = [];
    let lastName = '';
    for (let i = 0; i < opts.repeats; i++) {
      if (chainOff) chainOff.runs.push(await chainOffRun(ctx, spec, projection, i));
      await resetReadModel(infra, spec);
      lastName = `bench-${spec.key}-r${i}`;
      const r = await runProjectorToLagZero(infra, spec, projection, { name: lastName, inProcess: ctx.ds });
      runs.push(r);
      log(`ingest ${spec.key}: run ${i + 1}/${opts.repeats}: ${r.messages} events in ${r.seconds.toFixed(1)} s = ${Math.round(r.eventsPerSec)} events/s`);
    }
    const rate = median(runs.map((r) => r.eventsPerSec));
    const messages = runs[0].messages;
    ctx.state.rates[spec.key] = rate;
    ctx.state.lastRunName[spec.key] = lastName;

    if (chainOff) rows.push(chainCostRow({ rate: median(chainOff.runs), runs: chainOff.runs }, rate));

    // B_copy of the rows the last run produced.
    const copies = [];
    for (let i = 0; i < opts.repeats; i++) copies.push(await copyBaseline(infra, spec.schema));
    const copySeconds = median(copies.map((c) => c.seconds));
    const copyRate = messages / copySeconds;
    const copyRows = copies[0].rows;
    log(`ingest ${spec.key}: B_copy ${copyRows} rows (${copies[0].tables.join(', ')}) in ${copySeconds.toFixed(2)} s`);

    const projectorRatio = rate / copyRate;
    rows.push({
      section,
      name: `${spec.key} projector (eachBatch) vs B_copy`,
      value: round(rate, 0),
      unit: 'events/s',
      baseline: round(copyRate, 0),
      ratio: round(projectorRatio, 3),
      ...(spec.key === 'history' ? { target: '≥ 0.5× B_copy', met: projectorRatio >= 0.5 } : {}),
      note: `${messages.toLocaleString('en-US')} events on ${topics.length} topic(s), median of ${runs.length}; B_copy = ${copyRows.toLocaleString('en-US')} rows into ${copies[0].tables.length} table(s) with the same indexes, as events/s`,
    });
    if (spec.key === 'reports') {
      // B_sql: the same model built set-based from the raw events (and checked equal to the projector's)
      const sqlRuns = [];
      for (let i = 0; i < opts.repeats; i++) sqlRuns.push(await reportsSqlBaseline(infra, topics, OPERATION_BY_EVENT_TYPE));
      const sqlSeconds = median(sqlRuns.map((r) => r.seconds));
      const sqlRate = sqlRuns[0].messages / sqlSeconds;
      log(`ingest reports: B_sql ${sqlRuns[0].rows} rows from ${sqlRuns[0].messages} raw events in ${sqlSeconds.toFixed(2)} s; differences ${sqlRuns.map((r) => r.differences).join(', ')}`);
      rows.push({
        section,
        name: 'reports projector vs B_sql (set-based SQL from the raw events)',
        value: round(rate, 0),
        unit: 'events/s',
        baseline: round(sqlRate, 0),
        ratio: round(rate / sqlRate, 3),
        note: `B_sql = COPY of the ${sqlRuns[0].messages.toLocaleString('en-US')} raw events + one INSERT ... SELECT (dedupe, UTC day, 15-min buckets, cumulative arrays), one transaction, median of ${sqlRuns.length}`,
      });
      const diff = Math.max(...sqlRuns.map((r) => r.differences));
      rows.push({
        section,
        name: 'reports: rows differing between B_sql and the projector',
        value: diff,
        unit: 'rows',
        target: '= 0',
        met: diff === 0,
        note: `${sqlRuns[0].rows.toLocaleString('en-US')} rows; compared both ways (EXCEPT)`,
      });
    }
    rows.push({
      section,
      name: `${spec.key} B_drain vs projector`,
      value: round(drain, 0),
      unit: 'events/s',
      baseline: round(rate, 0),
      ratio: round(drain / rate, 2),
      target: '≥ 3× projector',
      met: drain / rate >= 3,
      note: 'kafkajs eachBatch consumer that only drains the same topics',
    });
    rows.push({
      section,
      name: `${spec.key} projector vs naive (1 event/tx)`,
      value: round(rate, 0),
      unit: 'events/s',
      baseline: round(naive.eventsPerSec, 0),
      ratio: round(rate / naive.eventsPerSec, 1),
      target: '≥ 10× naive',
      met: rate / naive.eventsPerSec >= 10,
      note: `naive rate measured on the first ${naive.messages.toLocaleString('en-US')} events only (${naive.seconds.toFixed(1)} s) and reported as a rate, not run to the end`,
    });
  }
  return rows;
}

/** One run of the history projector with HISTORY_CHAIN off: same topics, in-process (events/s). */
async function chainOffRun(
  ctx: BenchContext,
  spec: BenchContext['projections'][number]['spec'],
  projection: BenchContext['projections'][number]['projection'],
  i: number,
): Promise<number> {
  setHistoryChainSettings({ enabled: false });
  try {
    await resetReadModel(ctx.infra, spec);
    const r = await runProjectorToLagZero(ctx.infra, spec, projection, { name: `bench-${spec.key}-nochain-r${i}`, inProcess: ctx.ds });
    ctx.log(`ingest ${spec.key}: chain off run ${i + 1}/${ctx.opts.repeats}: ${Math.round(r.eventsPerSec)} events/s`);
    return r.eventsPerSec;
  } finally {
    setHistoryChainSettings();
  }
}

/** The tamper-evident chain's cost (docs/privacy.md): the rate with it on (the default) vs off. Target: ≤ 15% slower. */
function chainCostRow(off: { rate: number; runs: number[] }, onRate: number): BenchRow {
  const ratio = onRate / off.rate;
  return {
    section: 'ingest',
    name: 'history projector: tamper-evident chain on vs HISTORY_CHAIN=off',
    value: round(onRate, 0),
    unit: 'events/s',
    baseline: round(off.rate, 0),
    ratio: round(ratio, 3),
    target: '≥ 0.85× (≤ 15% slower)',
    met: ratio >= 0.85,
    note: `entry digests in SQL, SHA-256 links, head rows locked per organisation, Ed25519 checkpoints; off runs ${off.runs.map(Math.round).join(', ')} events/s`,
  };
}
