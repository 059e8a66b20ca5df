/**
 * A projector process for the benchmark: `BatchProjectionRunner` with a projection from PROJECTION_SPECS, renamed
 * (own checkpoints) and pointed at the benchmark's topics. Started by bench/lib/workers.ts with `fork`; reports
 * when it applied its first and last batch over IPC, stops on the "stop" message or SIGTERM.
 *   env: DATABASE_URL, KAFKA_BROKERS, BENCH_RUN, BENCH_MODULE, BENCH_EXPORT, BENCH_NAME, BENCH_GROUP
 */
import 'reflect-metadata';
import { BatchProjectionRunner, createKafka, type Projection } from '@cep/messaging';
import { connectDatabase, loadConfig, PlatformConfig } from '@cep/platform';
import { benchProjection, loadProjection } from './projections';
import { markFirstTransaction, type WorkerStats } from './workers';

async function main(): Promise<void> {
  const env = process.env;
  const cfg = loadConfig(PlatformConfig, { ...env, DATABASE_POOL_MAX: '4', DATABASE_STATEMENT_TIMEOUT_MS: '0' });
  const base = loadProjection({ module: env.BENCH_MODULE!, exportName: env.BENCH_EXPORT! });
  if (!base) throw new Error(`projection ${env.BENCH_MODULE}#${env.BENCH_EXPORT} not found`);
  const p = benchProjection(base, env.BENCH_RUN!, env.BENCH_NAME!);
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
  const ds = await connectDatabase(cfg, { applicationName: `bench-${env.BENCH_NAME}` });
  const kafka = createKafka(cfg, `bench-${process.pid}`);
  const runner = new BatchProjectionRunner(kafka, markFirstTransaction(ds, st), timed, { groupId: env.BENCH_GROUP!, fromBeginning: true, maxWaitTimeInMs: 100 });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await runner.stop();
    await ds.destroy().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('message', (m: { type: string }) => {
    if (m?.type === 'stats') process.send?.({ type: 'stats', ...st });
    if (m?.type === 'stop') void stop();
  });
  process.on('disconnect', () => void stop());
  await runner.start();
  process.send?.({ type: 'started' });
}

main().catch((err) => {
  console.error('[bench worker]', err);
  process.exit(1);
});
