/**
 * The benchmark: one command, one table, every figure next to a baseline measured in the same run.
 *   npm run bench                     full run (1,000,000 events, 3 repeats; up to ~30 min on 2 cores)
 *   npm run bench -- --quick          smoke run (small N, 1 repeat, short windows; < 3 min; CI)
 *   npm run bench -- --events 200000 --repeats 3 --sections ingest,duplicates,scale,queries,freshness,tracing,models
 *   npm run bench -- --quick --sections ingest --projections history    one section, one projection
 * Starts its own database (`cep_bench_<run>`, migrated), uses the broker on KAFKA_BROKERS (starting the local one
 * if none answers) with its own topics `bench.<run>.<platform topic>`, prints the table and writes
 * bench/results/<date>.json. Thresholds are reported (met / NOT met), never asserted: the exit code is 0 unless
 * something crashed. See docs/benchmarks.md.
 */
import 'reflect-metadata';
import * as fs from 'fs';
import * as path from 'path';
import { connectDatabase, loadConfig, PlatformConfig } from '@cep/platform';
import type { BenchRow } from './bench-types';
import type { AvailableProjection, BenchContext, BenchOptions } from './lib/context';
import { EventMix } from './lib/event-mix';
import { stopApps, stopGateway } from './lib/gateway';
import { deleteTopics, dropDatabase, setupInfra } from './lib/infra';
import { createBenchTopics, preload } from './lib/preload';
import { loadProjection, PROJECTION_SPECS } from './lib/projections';
import { snapshotSeedRows } from './lib/workers';
import { formatTable, machineInfo, writeResult } from './lib/report';
import { runDuplicatesBench } from './sections/duplicates.bench';
import { runFreshnessBench } from './sections/freshness.bench';
import { runIngestBench } from './sections/ingest.bench';
import { runQueriesBench } from './sections/queries.bench';
import { runScaleBench } from './sections/scale.bench';
import { runTracingBench } from './sections/tracing.bench';

const ALL_SECTIONS = ['ingest', 'duplicates', 'scale', 'queries', 'freshness', 'tracing', 'models'];

function parseArgs(argv: string[]): BenchOptions {
  const get = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    if (i >= 0) return argv[i + 1];
    const eq = argv.find((a) => a.startsWith(`--${name}=`));
    return eq?.slice(name.length + 3);
  };
  const num = (name: string, dflt: number) => {
    const v = get(name);
    if (v === undefined) return dflt;
    const n = Number(v.replace(/_/g, ''));
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number`);
    return n;
  };
  const quick = argv.includes('--quick');
  return {
    quick,
    events: num('events', quick ? 5000 : 1_000_000),
    repeats: num('repeats', quick ? 1 : 3),
    partitions: num('partitions', 3),
    naiveEvents: num('naive-events', quick ? 300 : 3000),
    freshnessSeconds: num('freshness-seconds', quick ? 10 : 60),
    freshnessRate: get('freshness-rate') === undefined ? undefined : num('freshness-rate', 1),
    queryDurationSeconds: num('query-seconds', quick ? 2 : 10),
    sections: (get('sections') ?? ALL_SECTIONS.join(',')).split(',').map((s) => s.trim()),
    keepDatabase: argv.includes('--keep'),
    modelSize: get('model-size') === undefined ? undefined : num('model-size', 1),
    /** Only these projections (keys, comma-separated), e.g. `--projections history`; default all. */
    projections: get('projections')?.split(',').map((s) => s.trim()),
  };
}

/** Read-model query sections other teams own: called when their file exists, rows merged into the table. */
const MODEL_SECTIONS = [
  { file: 'history.bench.ts', fn: 'runHistoryBench', size: 'entries', quick: 20_000, full: 1_000_000 },
  { file: 'reports.bench.ts', fn: 'runReportsBench', size: 'events', quick: 20_000, full: 1_000_000 },
  { file: 'activity.bench.ts', fn: 'runActivityBench', size: 'activities', quick: 20_000, full: 1_000_000 },
  { file: 'event-log.bench.ts', fn: 'runEventLogBench', size: 'events', quick: 5_000, full: 50_000 },
] as const;

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const startedAt = new Date();
  const t0 = Date.now();
  const log = (m: string) => console.log(`[bench ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)}s] ${m}`);
  const runId = `${startedAt.toISOString().replace(/\D/g, '').slice(0, 14)}_${process.pid}`;
  log(`mode ${opts.quick ? 'quick' : 'full'}: ${opts.events.toLocaleString('en-US')} events, ${opts.repeats} repeat(s), sections ${opts.sections.join(',')}`);

  process.env.TZ = 'UTC';
  const infra = await setupInfra(runId);
  process.env.DATABASE_URL = infra.databaseUrl; // for app processes and the read-model sections
  log(`database ${new URL(infra.databaseUrl).pathname.slice(1)} migrated; broker ${infra.brokers.join(',')}`);
  const cfg = loadConfig(PlatformConfig, { ...process.env, DATABASE_URL: infra.databaseUrl, DATABASE_STATEMENT_TIMEOUT_MS: '0', DATABASE_POOL_MAX: '6' });
  const ds = await connectDatabase(cfg, { applicationName: 'bench-naive' });

  const projections: AvailableProjection[] = [];
  for (const spec of PROJECTION_SPECS) {
    if (opts.projections && !opts.projections.includes(spec.key)) continue;
    const projection = loadProjection(spec);
    if (projection) {
      projections.push({ spec, projection });
      await snapshotSeedRows(infra, spec.schema);
    }
    else log(`projection ${spec.key} not available in this build: skipped`);
  }
  const postgres = (await infra.pool.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0].v;
  const mix = new EventMix({ organisations: 20, seed: 42 });
  const ctx: BenchContext = { opts, infra, ds, mix, projections, state: { rates: {}, lastRunName: {} }, log, rows: [] };
  const errors: { section: string; error: string }[] = [];
  const rows: BenchRow[] = [];
  let benchTopics: string[] = [];

  const save = () =>
    writeResult({
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      mode: opts.quick ? 'quick' : 'full',
      options: { ...opts },
      machine: machineInfo({ postgres: `PostgreSQL ${postgres}`, kafka: `Kafka broker ${infra.brokers.join(',')} (tools/kafka: Apache Kafka 3.9, KRaft, single node)` }),
      rows,
      errors,
    });
  // Interrupted (Ctrl-C, CI timeout): stop the app processes we started, then exit.
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      log(`${sig}: stopping the benchmark's processes`);
      void stopApps().finally(() => process.exit(130));
    });
  }
  const run = async (section: string, fn: () => Promise<BenchRow[]>) => {
    if (!opts.sections.includes(section.split(':')[0])) return;
    const s0 = Date.now();
    try {
      const r = await fn();
      rows.push(...r);
      log(`${section}: done in ${((Date.now() - s0) / 1000).toFixed(0)} s`);
    } catch (err) {
      const msg = err instanceof Error ? (err.stack ?? err.message) : String(err);
      errors.push({ section, error: msg.slice(0, 4000) });
      log(`${section} FAILED: ${msg}`);
    }
    save(); // partial results survive a later crash
  };

  try {
    const needsPreload = ['ingest', 'duplicates', 'scale', 'queries'].some((s) => opts.sections.includes(s));
    if (needsPreload) {
      benchTopics = await createBenchTopics(infra, opts.partitions);
      const pre = await preload(infra, mix, opts.events, log);
      ctx.state.preload = pre;
      log(`preloaded ${pre.events.toLocaleString('en-US')} events in ${pre.seconds.toFixed(1)} s to ${benchTopics.length} topics x ${opts.partitions} partitions: ${JSON.stringify(pre.byTopic)}`);
    }
    await run('ingest', () => runIngestBench(ctx));
    await run('duplicates', () => runDuplicatesBench(ctx));
    await run('queries', () => runQueriesBench(ctx));
    await run('scale', () => runScaleBench(ctx));
    await run('freshness', () => runFreshnessBench(ctx));
    await run('tracing', () => runTracingBench(ctx));
    await stopGateway();
    if (opts.sections.includes('models')) {
      for (const m of MODEL_SECTIONS) {
        const file = path.join(__dirname, 'sections', m.file);
        if (!fs.existsSync(file)) {
          log(`${m.file}: not present, skipped`);
          continue;
        }
        await run(`models:${m.file}`, async () => {
          const mod = (await import(file)) as Record<string, unknown>;
          const fn = mod[m.fn] as ((o: Record<string, unknown>) => Promise<unknown>) | undefined;
          if (typeof fn !== 'function') throw new Error(`${m.file} does not export ${m.fn}`);
          const out = await fn({ [m.size]: opts.modelSize ?? (opts.quick ? m.quick : m.full), quick: opts.quick, databaseUrl: infra.databaseUrl });
          const list = Array.isArray(out) ? out : ((out as { rows?: BenchRow[] } | undefined)?.rows ?? []);
          return list as BenchRow[];
        });
      }
    }
  } finally {
    await stopApps().catch(() => undefined);
    await ds.destroy().catch(() => undefined);
    await infra.pool.end().catch(() => undefined);
    if (!opts.keepDatabase) {
      await dropDatabase(infra.databaseUrl).catch((e) => log(`could not drop the database: ${e.message}`));
      await deleteTopics(infra.kafka, benchTopics).catch((e) => log(`could not delete the bench topics: ${e.message}`));
    }
  }

  const machine = machineInfo();
  const table = formatTable(rows);
  console.log(`\nmachine: ${machine.nproc} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB, Node ${machine.node}`);
  console.log(`events: ${opts.events.toLocaleString('en-US')}, repeats: ${opts.repeats}, partitions: ${opts.partitions}, mode: ${opts.quick ? 'quick' : 'full'}\n`);
  console.log(table);
  if (errors.length) console.log(`\n${errors.length} section(s) failed: ${errors.map((e) => e.section).join(', ')}`);
  const file = save();
  log(`results written to ${path.relative(process.cwd(), file)}`);
  process.exitCode = errors.length ? 1 : 0;
}

main()
  .catch((err) => {
    console.error('[bench] crashed:', err);
    process.exitCode = 1;
  })
  .finally(() => setTimeout(() => process.exit(process.exitCode ?? 0), 500).unref());
