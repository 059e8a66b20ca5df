import { checkpointName, EventPublisher, ensureTopics, platformTopics } from '@cep/messaging';
import { startApp } from '@cep/testing';
import type { BenchRow } from '../bench-types';
import type { BenchContext } from '../lib/context';
import { BENCH_PORTS, ensureGateway, token, trackApp } from '../lib/gateway';
import { highWatermarks } from '../lib/infra';
import { percentile, round, sleep } from '../lib/stats';

/**
 * Freshness: the history projector app and the gateway as real processes on the platform topics. A producer sends
 * the event mix at 20% of the measured history ingest rate for `freshnessSeconds`; ten times a second it also
 * sends a probe (`credential.created` with a new credential id); one poller asks the history API for the
 * entityIds of all outstanding probes back to back until each is visible. Latency = visible − just before the produce call (includes the broker ack).
 */
export async function runFreshnessBench(ctx: BenchContext): Promise<BenchRow[]> {
  const { infra, opts, log, state, mix } = ctx;
  const history = ctx.projections.find((p) => p.spec.key === 'history');
  if (!history) return [];
  await ensureTopics(infra.kafka, platformTopics());
  // Start the projector at the current end of the platform topics (other runs' events are not our backlog).
  const cp = checkpointName(history.projection);
  for (const w of await highWatermarks(infra.kafka, history.projection.topics)) {
    await infra.pool.query(
      `INSERT INTO projection.checkpoints (projection, topic, partition, next_offset) VALUES ($1, $2, $3, $4)
       ON CONFLICT (projection, topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset`,
      [cp, w.topic, w.partition, w.high],
    );
  }
  const gw = await ensureGateway(infra);
  const projector = trackApp(await startApp('history-projector', {
    port: BENCH_PORTS.freshnessProjector,
    env: { DATABASE_URL: infra.databaseUrl, KAFKA_BROKERS: infra.brokers.join(','), KAFKA_GROUP_ID: `bench.${infra.runId}.freshness`, LOG_LEVEL: 'warn' },
  }));
  log(`freshness: history-projector log ${projector.logFile} (PROJECTION_TIMINGS=1 adds per-batch phase timings)`);
  const publisher = new EventPublisher(infra.kafka);
  let polling = true;
  try {
    await publisher.connect();
    const org = mix.organisations[0];
    const headers = { authorization: `Bearer ${await token(org, 'history:read')}` };
    // One poller for every outstanding probe: GET /api/history/v1?entityIds=..&entityIds=.. (at most one request in
    // flight, so the measurement does not load the gateway); falls back to one probe at a time by entityId.
    const outstanding = new Map<string, { t0: number; resolve: (ms: number | undefined) => void }>();
    let batchMode = true;
    const pollMs: number[] = [];
    const poller = (async () => {
      while (polling || outstanding.size) {
        const ids = [...outstanding.keys()].slice(0, batchMode ? 50 : 1);
        if (!ids.length) {
          await sleep(5);
          continue;
        }
        const qs = batchMode ? ids.map((id) => `entityIds=${id}`).join('&') + '&pageSize=1000' : `entityId=${ids[0]}`;
        const q0 = Date.now();
        const r = await fetch(`${gw.url}/api/history/v1?${qs}`, { headers }).catch(() => undefined);
        const now = Date.now();
        pollMs.push(now - q0);
        if (r?.status === 400 && batchMode) {
          batchMode = false;
          continue;
        }
        if (r?.status === 200) {
          const body = (await r.json()) as { values?: { entityId: string }[] };
          for (const v of body.values ?? []) {
            const o = outstanding.get(v.entityId);
            if (o) {
              outstanding.delete(v.entityId);
              o.resolve(now - o.t0);
            }
          }
        }
        for (const [id, o] of outstanding) {
          if (now - o.t0 > 15000) {
            outstanding.delete(id);
            o.resolve(undefined);
          }
        }
        await sleep(10);
      }
    })();
    const probe = async (): Promise<number | undefined> => {
      const e = mix.probe(org, new Date());
      const t0 = Date.now();
      await publisher.publish([e]);
      return new Promise((resolve) => outstanding.set((e.data as { credentialId: string }).credentialId, { t0, resolve }));
    };
    // Warm-up: the group join and the first fetch are not part of steady-state freshness.
    const warm = Date.now() + 60000;
    while ((await probe()) === undefined && Date.now() < warm) log('freshness: waiting for the projector to join');

    const maxRate = state.rates.history ?? 1000;
    const rate = opts.freshnessRate ?? Math.max(10, Math.round(0.2 * maxRate));
    const perTick = Math.max(1, Math.round(rate / 10));
    log(`freshness: ${rate} events/s (${opts.freshnessRate ? '--freshness-rate' : `20% of ${Math.round(maxRate)}`}) + 10 probes/s for ${opts.freshnessSeconds} s`);
    const latencies: number[] = [];
    let lost = 0;
    const pending: Promise<void>[] = [];
    const end = Date.now() + opts.freshnessSeconds * 1000;
    let tick = Date.now();
    let sent = 0;
    while (Date.now() < end) {
      await publisher.publish(mix.next(perTick, perTick));
      sent += perTick;
      pending.push(
        probe().then((ms) => {
          if (ms === undefined) lost++;
          else latencies.push(ms);
        }),
      );
      tick += 100;
      await sleep(Math.max(0, tick - Date.now()));
    }
    await Promise.all(pending);
    polling = false;
    await poller;
    // A probe not visible within 15 s counts as 15 s (a lower bound), so lost probes raise the percentiles.
    const all = [...latencies, ...Array.from({ length: lost }, () => 15000)];
    const p50 = percentile(all, 50);
    const p99 = percentile(all, 99);
    const achieved = sent / opts.freshnessSeconds;
    log(`freshness: ${latencies.length} probes, p50 ${p50} ms, p99 ${p99} ms, ${lost} not visible within 15 s; poll request p50 ${percentile(pollMs, 50)} ms, p99 ${percentile(pollMs, 99)} ms (${pollMs.length} requests)`);
    const note = `${latencies.length + lost} probes over ${opts.freshnessSeconds} s at ${Math.round(achieved)} events/s (${opts.freshnessRate ? 'set by --freshness-rate' : '20% of the history ingest median'}); gateway + history-projector processes; one poller (entityIds of all outstanding probes, ~10 ms between requests)${lost ? `; ${lost} probes not visible within 15 s, counted as 15 s (so the percentiles are lower bounds)` : ''}`;
    return [
      { section: 'freshness', name: 'produce → visible via gateway, p50', value: p50, unit: 'ms', note },
      { section: 'freshness', name: 'produce → visible via gateway, p99', value: p99, unit: 'ms', target: '≤ 1000 ms', met: p99 <= 1000 && lost === 0 },
      { section: 'freshness', name: 'p99 / p50', value: round(p99 / p50, 2), unit: '×', baseline: p50, ratio: round(p99 / p50, 2), target: '≤ 3× p50', met: p99 <= 3 * p50 },
    ];
  } finally {
    polling = false;
    await publisher.disconnect().catch(() => undefined);
    await projector.kill('SIGTERM');
  }
}
