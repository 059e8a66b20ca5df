import { Counter, Gauge, type Registry } from 'prom-client';
import type { DataSource } from 'typeorm';

interface Backlog {
  rows: number;
  oldestAgeSeconds: number;
}

/**
 * Prometheus metrics of a producer's outbox relay:
 *  - `cep_outbox_backlog{schema}` unsent rows and `cep_outbox_oldest_unsent_age_seconds{schema}` (0 when none),
 *    read from the outbox table at scrape time (one query per scrape, on the partial index of unsent rows), so
 *    every replica reports the same backlog whether or not it is the publishing leader;
 *  - `cep_outbox_published_total{schema}` and `cep_outbox_publish_errors_total{schema}` (failed relay cycles:
 *    broker refused or timed out, database unreachable), counted by the replica that tried.
 */
export class OutboxMetrics {
  readonly published: Counter<'schema'>;
  readonly publishErrors: Counter<'schema'>;
  private pending?: Promise<Backlog | null>;

  constructor(registry: Registry, ds: DataSource, readonly schema: string) {
    const read = (): Promise<Backlog | null> => (this.pending ??= this.readBacklog(ds).finally(() => setTimeout(() => (this.pending = undefined), 250)));
    new Gauge({
      name: 'cep_outbox_backlog',
      help: 'Outbox rows not yet published to Kafka',
      labelNames: ['schema'],
      registers: [registry],
      async collect() {
        const b = await read();
        if (b) this.set({ schema }, b.rows);
      },
    });
    new Gauge({
      name: 'cep_outbox_oldest_unsent_age_seconds',
      help: 'Age of the oldest outbox row not yet published (0 when none is waiting)',
      labelNames: ['schema'],
      registers: [registry],
      async collect() {
        const b = await read();
        if (b) this.set({ schema }, b.oldestAgeSeconds);
      },
    });
    this.published = new Counter({ name: 'cep_outbox_published_total', help: 'Outbox rows published to Kafka', labelNames: ['schema'], registers: [registry] });
    this.publishErrors = new Counter({
      name: 'cep_outbox_publish_errors_total',
      help: 'Relay cycles that failed (broker or database error); the rows stay and are retried',
      labelNames: ['schema'],
      registers: [registry],
    });
    this.published.inc({ schema }, 0);
    this.publishErrors.inc({ schema }, 0);
  }

  private async readBacklog(ds: DataSource): Promise<Backlog | null> {
    try {
      const [r] = await ds.query(
        `SELECT count(*)::int AS rows, coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS age
           FROM ${this.schema}.outbox WHERE published_at IS NULL`,
      );
      return { rows: Number(r.rows), oldestAgeSeconds: Math.max(0, Number(r.age)) };
    } catch {
      return null; // database unreachable: the scrape still answers; readiness reports the outage
    }
  }
}
