import { fork, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { DataSource } from 'typeorm';
import { BatchProjectionRunner, checkpointName, type Projection } from '@cep/messaging';
import { Logger } from '@cep/platform';
import type { BenchInfra } from './infra';
import { totalMessages } from './infra';
import { benchProjection, type ProjectionSpec } from './projections';
import { sleep } from './stats';

export interface WorkerStats {
  /** When the runner opened its first batch transaction (the clock starts there: start-up and group join excluded). */
  firstTxAt: number;
  lastApplyEndAt: number;
  applied: number;
  batches: number;
}

export interface WorkerHandle {
  proc: ChildProcess;
  logFile: string;
  stats(): Promise<WorkerStats>;
  stop(): Promise<void>;
}

const WORKER = path.join(__dirname, 'projector-worker.ts');

/** Forks bench/lib/projector-worker.ts (its own Node process, like a projector replica). */
export function spawnWorker(infra: BenchInfra, spec: ProjectionSpec, name: string, group: string): WorkerHandle {
  const logFile = path.join(os.tmpdir(), `cep-bench-${name}-${Date.now()}-${Math.random().toString(36).slice(2, 6)}.log`);
  const out = fs.openSync(logFile, 'a');
  const proc = fork(WORKER, [], {
    execArgv: ['-r', '@swc-node/register'],
    env: {
      ...process.env,
      TZ: 'UTC',
      LOG_LEVEL: 'warn',
      DATABASE_URL: infra.databaseUrl,
      KAFKA_BROKERS: infra.brokers.join(','),
      BENCH_RUN: infra.runId,
      BENCH_MODULE: spec.module,
      BENCH_EXPORT: spec.exportName,
      BENCH_NAME: name,
      BENCH_GROUP: group,
    },
    stdio: ['ignore', out, out, 'ipc'],
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return {
    proc,
    logFile,
    stats: () =>
      new Promise<WorkerStats>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`worker ${name} did not answer (log ${logFile})`)), 10000);
        const on = (m: { type: string } & WorkerStats) => {
          if (m?.type !== 'stats') return;
          clearTimeout(t);
          proc.off('message', on);
          resolve(m);
        };
        proc.on('message', on);
        proc.send({ type: 'stats' });
      }),
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.send({ type: 'stop' });
      const killer = setTimeout(() => proc.kill('SIGKILL'), 15000);
      await exited;
      clearTimeout(killer);
    },
  };
}

export async function appliedOffsets(infra: BenchInfra, checkpoint: string): Promise<number> {
  const r = await infra.pool.query<{ n: string | null }>(`SELECT sum(next_offset)::bigint AS n FROM projection.checkpoints WHERE projection = $1`, [checkpoint]);
  return Number(r.rows[0].n ?? 0);
}

export interface ProjectorRun {
  /** Messages consumed (every message on the projection's topics between the start and lag 0). */
  messages: number;
  /** Events handed to `apply` (the types the projection handles, minus duplicates dropped by the runner). */
  applied: number;
  seconds: number;
  eventsPerSec: number;
}

/**
 * Runs `instances` projector processes (same consumer group) until the projection's checkpoints reach the end of
 * its topics (lag 0). Time runs from the first batch transaction in any instance to the moment the checkpoints reach the
 * high watermarks (polled every 25 ms), so process start-up and group join are not counted.
 */
export async function runProjectorToLagZero(
  infra: BenchInfra,
  spec: ProjectionSpec,
  base: Projection,
  opts: { name: string; instances?: number; timeoutMs?: number; group?: string; inProcess?: DataSource },
): Promise<ProjectorRun> {
  const p = benchProjection(base, infra.runId, opts.name);
  const cp = checkpointName(p);
  const target = await totalMessages(infra.kafka, p.topics);
  const startOffsets = await appliedOffsets(infra, cp);
  const group = opts.group ?? `bench.${infra.runId}.${opts.name}`;
  const workers: Pick<WorkerHandle, 'stats' | 'stop'>[] = [];
  const failed = (): string | undefined => {
    for (const w of workers as WorkerHandle[]) {
      if (w.proc && w.proc.exitCode !== null) return `projector worker exited with ${w.proc.exitCode}; log ${w.logFile}:\n${fs.readFileSync(w.logFile, 'utf8').slice(-2000)}`;
    }
    return undefined;
  };
  if (opts.inProcess) workers.push(await startInProcess(infra, opts.inProcess, p, group));
  else for (let i = 0; i < (opts.instances ?? 1); i++) workers.push(spawnWorker(infra, spec, opts.name, group));
  const deadline = Date.now() + (opts.timeoutMs ?? 3600000);
  // No progress for this long = stuck (e.g. a projection failing on every retry): fail the section, not the run.
  const stallMs = 120000;
  try {
    let doneAt = 0;
    let last = -1;
    let lastChange = Date.now();
    for (;;) {
      const done = await appliedOffsets(infra, cp).catch(() => -1); // a lost connection: poll again
      if (done >= target) {
        doneAt = Date.now();
        break;
      }
      if (done !== last && done >= 0) {
        last = done;
        lastChange = Date.now();
      }
      const f = failed();
      if (f) throw new Error(f);
      const logs = (workers as Partial<WorkerHandle>[]).map((w) => w.logFile).filter(Boolean);
      if (Date.now() - lastChange > stallMs) {
        const tail = logs.length ? fs.readFileSync(logs[0]!, 'utf8').slice(-1500) : '';
        throw new Error(`projector ${opts.name} made no progress for ${stallMs / 1000} s (${done}/${target})${logs.length ? `; log ${logs.join(', ')}:\n${tail}` : ''}`);
      }
      if (Date.now() > deadline) throw new Error(`projector ${opts.name} did not reach lag 0 (${done}/${target})`);
      await sleep(25);
    }
    const stats = await Promise.all(workers.map((w) => w.stats()));
    const starts = stats.filter((s) => s.firstTxAt).map((s) => s.firstTxAt);
    if (!starts.length) throw new Error(`projector ${opts.name} reached lag 0 without a batch`);
    const started = Math.min(...starts);
    const seconds = Math.max(0.001, (doneAt - started) / 1000);
    const messages = target - startOffsets;
    return { messages, applied: stats.reduce((s, x) => s + x.applied, 0), seconds, eventsPerSec: messages / seconds };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
}

/**
 * The data source as the runner sees it, noting when the runner opens its first batch transaction
 * (`createQueryRunner`; `query`, used for the seek on assignment, goes to the real data source).
 */
export function markFirstTransaction(ds: DataSource, st: Pick<WorkerStats, 'firstTxAt'>): DataSource {
  const tracked = Object.create(ds) as DataSource;
  Object.assign(tracked, {
    query: ds.query.bind(ds),
    createQueryRunner: (...args: Parameters<DataSource['createQueryRunner']>) => {
      if (!st.firstTxAt) st.firstTxAt = Date.now();
      return ds.createQueryRunner(...args);
    },
  });
  return tracked;
}

/** The same runner inside this process (no start-up cost): used where one instance is enough. */
async function startInProcess(infra: BenchInfra, ds: DataSource, p: Projection, group: string): Promise<Pick<WorkerHandle, 'stats' | 'stop'>> {
  const st: WorkerStats = { firstTxAt: 0, lastApplyEndAt: 0, applied: 0, batches: 0 };
  const timed: Projection = {
    ...p,
    async apply(events, ctx) {
      await p.apply(events, ctx);
      st.applied += events.length;
      st.batches++;
      st.lastApplyEndAt = Date.now();
    },
  };
  const runner = new BatchProjectionRunner(infra.kafka, markFirstTransaction(ds, st), timed, { groupId: group, fromBeginning: true, maxWaitTimeInMs: 100, logger: new Logger(`bench.${p.name}`, 'warn') });
  await runner.start();
  return { stats: async () => ({ ...st }), stop: () => runner.stop() };
}

const SEED_SCHEMA = 'bench_seed';

/**
 * Keeps a copy of the rows a read model's migrations seeded (e.g. a counter row), so that a reset can restore them.
 * Call once on the freshly migrated database, before any projector ran.
 */
export async function snapshotSeedRows(infra: BenchInfra, schema: string): Promise<void> {
  await infra.pool.query(`CREATE SCHEMA IF NOT EXISTS ${SEED_SCHEMA}`);
  const r = await infra.pool.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = $1`, [schema]);
  for (const { t } of r.rows) {
    await infra.pool.query(`CREATE TABLE IF NOT EXISTS ${SEED_SCHEMA}."${schema}__${t}" AS SELECT * FROM ${schema}."${t}"`);
  }
}

/** Empties a read model between repeats (every table of its schema, back to its seeded rows) and the runner's dedupe ids. */
export async function resetReadModel(infra: BenchInfra, spec: Pick<ProjectionSpec, 'key' | 'schema'>): Promise<void> {
  const schema = spec.schema;
  const r = await infra.pool.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = $1`, [schema]);
  if (r.rows.length) await infra.pool.query(`TRUNCATE ${r.rows.map((x) => `${schema}."${x.t}"`).join(', ')}`);
  for (const { t } of r.rows) {
    const seeded = await infra.pool.query(`SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = $2`, [SEED_SCHEMA, `${schema}__${t}`]);
    if (seeded.rowCount) await infra.pool.query(`INSERT INTO ${schema}."${t}" SELECT * FROM ${SEED_SCHEMA}."${schema}__${t}"`);
  }
  await infra.pool.query(`DELETE FROM projection.processed_events WHERE projection LIKE $1 OR projection = $2`, [`bench-%${spec.key}-%`, `bench-naive-${spec.key}`]);
}

/** Order-independent checksum of every table of a schema: row count and a sum of row hashes. */
export async function schemaChecksum(infra: BenchInfra, schema: string): Promise<Record<string, string>> {
  const r = await infra.pool.query<{ t: string }>(`SELECT format('%I.%I', schemaname, tablename) AS t FROM pg_tables WHERE schemaname = $1 ORDER BY 1`, [schema]);
  const out: Record<string, string> = {};
  for (const { t } of r.rows) {
    const c = await infra.pool.query<{ n: string; h: string | null }>(`SELECT count(*)::text AS n, sum(hashtext(x::text)::bigint)::text AS h FROM ${t} x`);
    out[t] = `${c.rows[0].n}:${c.rows[0].h ?? 0}`;
  }
  return out;
}
