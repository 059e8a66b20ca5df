import { randomBytes } from 'crypto';
import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';
import { startTracing } from '@cep/platform';
import type { BenchRow } from '../bench-types';
import type { BenchContext } from '../lib/context';
import { deleteTopics } from '../lib/infra';
import { createBenchTopics, preload } from '../lib/preload';
import { median, round } from '../lib/stats';
import { resetReadModel, runProjectorToLagZero } from '../lib/workers';

/** A stand-in OTLP/HTTP collector: answers 200 and counts the spans it was sent (the export cost stays real). */
async function otlpSink(): Promise<{ server: Server; url: string; spans: () => number }> {
  let spans = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        for (const rs of body.resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) spans += (ss.spans ?? []).length;
      } catch {
        // not JSON: still answered
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans: () => spans };
}

/**
 * Tracing overhead: the history projector (in process) from offset 0 to lag 0 over its own topics whose messages
 * all carry a `traceparent` header (one producer span per message: the most links a batch can have; 10% of them
 * sampled), with tracing off (nothing registered) and on (OTLP/HTTP exporter to a local sink, parent-based 10%
 * sampling: a batch span is recorded for 1 batch in 10, and every batch builds its links before the sampler
 * decides). Runs alternate off/on so drift on the shared machine hits both; medians of `repeats` each.
 */
export async function runTracingBench(ctx: BenchContext): Promise<BenchRow[]> {
  const { opts, log } = ctx;
  const target = ctx.projections.find((p) => p.spec.key === 'history');
  if (!target) {
    log('tracing: the history projection is not available: skipped');
    return [];
  }
  const { spec, projection } = target;
  const events = Math.min(opts.events, 200_000);
  const infra = { ...ctx.infra, runId: `${ctx.infra.runId}_tr` };
  const topics = await createBenchTopics(infra, opts.partitions);
  const hex = (n: number) => randomBytes(n).toString('hex');
  const pre = await preload(infra, ctx.mix, events, log, { traceparent: () => `00-${hex(16)}-${hex(8)}-${Math.random() < 0.1 ? '01' : '00'}` });
  log(`tracing: ${pre.events.toLocaleString('en-US')} events with traceparent headers in ${pre.seconds.toFixed(1)} s on ${topics.length} topics`);
  const sink = await otlpSink();
  const off: number[] = [];
  const on: number[] = [];
  try {
    for (let i = 0; i < opts.repeats; i++) {
      for (const mode of ['off', 'on'] as const) {
        await resetReadModel(infra, spec);
        const tracing =
          mode === 'on'
            ? startTracing('bench-history-projector', {
                env: { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' },
              })
            : undefined;
        try {
          const r = await runProjectorToLagZero(infra, spec, projection, { name: `bench-tracing-${mode}-r${i}`, inProcess: ctx.ds });
          (mode === 'on' ? on : off).push(r.eventsPerSec);
          log(`tracing ${mode}: run ${i + 1}/${opts.repeats}: ${r.messages} events in ${r.seconds.toFixed(1)} s = ${Math.round(r.eventsPerSec)} events/s`);
        } finally {
          await tracing?.shutdown();
        }
      }
    }
  } finally {
    await new Promise((r) => sink.server.close(r));
    if (!opts.keepDatabase) await deleteTopics(infra.kafka, topics).catch((e) => log(`tracing: could not delete its topics: ${e.message}`));
  }
  const offRate = median(off);
  const onRate = median(on);
  const ratio = onRate / offRate;
  log(`tracing: ${sink.spans()} spans exported to the sink`);
  return [
    {
      section: 'tracing',
      name: 'history projector, tracing on (10% sampled, OTLP) vs off',
      value: round(onRate, 0),
      unit: 'events/s',
      baseline: round(offRate, 0),
      ratio: round(ratio, 3),
      target: '≥ 0.95× off (≤ 5% slower)',
      met: ratio >= 0.95,
      note: `${events.toLocaleString('en-US')} events, every message with a traceparent; runs alternate off/on, median of ${opts.repeats} each (off ${off.map(Math.round).join(', ')}; on ${on.map(Math.round).join(', ')}); ${sink.spans()} spans exported`,
    },
  ];
}
