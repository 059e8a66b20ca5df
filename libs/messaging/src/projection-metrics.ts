import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Prometheus metrics of a projector. One registry per process, exposed on /metrics. */
export class ProjectionMetrics {
  readonly projected: Counter<'projection' | 'type'>;
  readonly duplicates: Counter<'projection'>;
  readonly deadLetters: Counter<'projection' | 'reason'>;
  readonly retries: Counter<'projection'>;
  readonly batchSize: Histogram<'projection'>;
  readonly batchDuration: Histogram<'projection'>;
  readonly lag: Gauge<'projection' | 'topic' | 'partition'>;
  /** Seconds between now and the newest event time applied (`projection.state.newest_event_time`), at scrape time. */
  readonly freshness: Gauge<'projection'>;
  private readonly freshnessSources = new Map<string, () => Promise<Date | null>>();

  constructor(readonly registry: Registry = new Registry()) {
    this.projected = new Counter({ name: 'cep_events_projected_total', help: 'Events applied to the read model', labelNames: ['projection', 'type'], registers: [registry] });
    this.duplicates = new Counter({ name: 'cep_events_duplicate_total', help: 'Redelivered events skipped by id', labelNames: ['projection'], registers: [registry] });
    this.deadLetters = new Counter({ name: 'cep_dead_letters_total', help: 'Messages dead-lettered (recorded in projection.dead_letters; copied to the dead-letter topic by the relay)', labelNames: ['projection', 'reason'], registers: [registry] });
    this.retries = new Counter({ name: 'cep_batch_retries_total', help: 'Batch retries after transient errors', labelNames: ['projection'], registers: [registry] });
    this.batchSize = new Histogram({ name: 'cep_batch_size', help: 'Messages per batch', labelNames: ['projection'], buckets: [1, 10, 50, 100, 250, 500, 1000, 2500, 5000], registers: [registry] });
    this.batchDuration = new Histogram({ name: 'cep_batch_duration_seconds', help: 'Batch processing time', labelNames: ['projection'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry] });
    this.lag = new Gauge({ name: 'cep_consumer_lag', help: 'Messages behind the end of the partition (stored checkpoint vs high watermark)', labelNames: ['projection', 'topic', 'partition'], registers: [registry] });
    const sources = this.freshnessSources;
    this.freshness = new Gauge({
      name: 'cep_projection_freshness_seconds',
      help: 'Now minus the newest event time applied to the read model',
      labelNames: ['projection'],
      registers: [registry],
      async collect() {
        for (const [projection, source] of sources) {
          const newest = await source().catch(() => null);
          if (newest) this.set({ projection }, Math.max(0, (Date.now() - newest.getTime()) / 1000));
        }
      },
    });
  }

  observeBatch(projection: string, size: number, seconds: number): void {
    this.batchSize.observe({ projection }, size);
    this.batchDuration.observe({ projection }, seconds);
  }

  /** Registers where the freshness gauge reads the newest applied event time of a projection. */
  trackFreshness(projection: string, source: () => Promise<Date | null>): void {
    this.freshnessSources.set(projection, source);
  }

  setLag(projection: string, topic: string, partition: number, lag: number): void {
    this.lag.set({ projection, topic, partition: String(partition) }, Math.max(0, lag));
  }
}
