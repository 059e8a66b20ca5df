import type { DataSource } from 'typeorm';
import { historyProjection } from '@cep/history';
import { testDataSource, testKafka } from '@cep/testing';
import { buildProduction, median, RecoveryBench, type RecoveryRun } from '../../libs/testing/src/faults';

/**
 * Recovery time of the production build after kill -9 (docs/operations.md "Recovery after a crash"): the history
 * projector from dist/, start → ready, and kill -9 → every partition's next batch committed, by a restarted
 * instance and by the surviving one of two. Reports every run and the medians; the medians must meet the target
 * (RECOVERY_TARGET_MS, default 10 s). RECOVERY_RUNS sets the runs (ci: 1, full: 5); RECOVERY_SKIP_BUILD=1 uses
 * the dist/ that is there.
 */
const profile = process.env.FAULTS_PROFILE ?? 'ci';
const runs = Number(process.env.RECOVERY_RUNS ?? (profile === 'full' ? 5 : 1));
const targetMs = Number(process.env.RECOVERY_TARGET_MS ?? 10000);

describe(`recovery after kill -9, production build (${runs} run${runs === 1 ? '' : 's'})`, () => {
  let ds: DataSource;
  let bench: RecoveryBench;
  const results: RecoveryRun[] = [];

  beforeAll(async () => {
    if (process.env.RECOVERY_SKIP_BUILD !== '1') process.stdout.write(`[recovery] npm run build: ${buildProduction()} ms\n`);
    ds = await testDataSource();
    bench = new RecoveryBench(ds, testKafka('recovery'), {
      app: 'history-projector',
      projection: historyProjection,
      groupId: `cep.recovery.${Date.now().toString(36)}`,
      basePort: 4780,
    });
    await bench.setUp();
  });

  afterAll(async () => {
    await bench?.tearDown();
    await ds?.destroy().catch(() => undefined);
  });

  it('start → ready and kill -9 → next batch committed (restarted / survivor) meet the target', async () => {
    for (let i = 0; i < runs; i++) results.push(await bench.run());
    const col = (k: keyof RecoveryRun) => results.map((r) => r[k]);
    const medians = {
      startToReadyMs: median(col('startToReadyMs')),
      restartedRecoveryMs: median(col('restartedRecoveryMs')),
      restartedReadyMs: median(col('restartedReadyMs')),
      survivorRecoveryMs: median(col('survivorRecoveryMs')),
    };
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    process.stdout.write(
      [
        `\nRecovery, production build, history-projector (${runs} runs; target ${s(targetMs)})`,
        '| measure | runs | median | target |',
        '|---|---|---|---|',
        `| process start → ready | ${col('startToReadyMs').map(s).join(', ')} | ${s(medians.startToReadyMs)} | ${medians.startToReadyMs <= targetMs ? 'met' : 'NOT met'} |`,
        `| kill -9 → next batch committed, restarted instance | ${col('restartedRecoveryMs').map(s).join(', ')} | ${s(medians.restartedRecoveryMs)} | ${medians.restartedRecoveryMs <= targetMs ? 'met' : 'NOT met'} |`,
        `| (kill -9 → restarted instance ready) | ${col('restartedReadyMs').map(s).join(', ')} | ${s(medians.restartedReadyMs)} | |`,
        `| kill -9 → next batch committed, surviving instance | ${col('survivorRecoveryMs').map(s).join(', ')} | ${s(medians.survivorRecoveryMs)} | ${medians.survivorRecoveryMs <= targetMs ? 'met' : 'NOT met'} |`,
        '',
      ].join('\n'),
    );
    expect({
      startToReady: medians.startToReadyMs <= targetMs,
      restarted: medians.restartedRecoveryMs <= targetMs,
      survivor: medians.survivorRecoveryMs <= targetMs,
    }).toEqual({ startToReady: true, restarted: true, survivor: true });
  });
});
