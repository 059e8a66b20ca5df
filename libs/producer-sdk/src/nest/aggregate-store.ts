import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource, type QueryRunner } from 'typeorm';
import type { EventEnvelope } from '@cep/contracts';
import { EventStore, type AggregateRoot } from '@cep/event-store';
import { Clock, validationFailed } from '@cep/platform';
import { assertValidEvents, InvalidEventError } from '../event-factory';
import { inTransaction } from '../outbox';

export interface SaveRequest {
  aggregate: AggregateRoot<unknown>;
  streamType: string;
}

/**
 * Loads aggregates (scoped to the caller's tenant) and appends their recorded events with optimistic concurrency,
 * several aggregates in one transaction (event store + outbox). Events are validated against the contracts
 * first: an event the contracts reject, or one stamped more than 5 minutes after the clock, is a 400 with
 * field details and nothing is appended.
 */
@Injectable()
export class AggregateStore {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(DataSource) private readonly ds: DataSource,
    /** The producer's clock: an event stamped more than 5 minutes after it is refused (system clock when absent). */
    @Optional() @Inject(Clock) private readonly clock?: Clock,
  ) {}

  /** Rebuilds an aggregate from its stream; a stream of another tenant reads as empty (not found). */
  async load<A extends AggregateRoot<unknown>>(aggregate: A, organisationId: string): Promise<A> {
    const stored = await this.store.readStream(aggregate.id, organisationId);
    return aggregate.loadFromHistory(stored.map((s) => s.event));
  }

  /**
   * Appends each aggregate's pending events at its loaded version (ConcurrencyError → 409 when another command
   * won), all in one transaction; `extra` runs in the same transaction. With `tx`, runs inside the caller's
   * transaction instead of its own. Returns the appended events.
   */
  async save(requests: SaveRequest[], extra?: (tx: QueryRunner) => Promise<void>, tx?: QueryRunner): Promise<EventEnvelope[]> {
    const batches = requests.map((r) => ({ ...r, events: r.aggregate.pullPendingEvents() }));
    const all = batches.flatMap((b) => b.events);
    try {
      assertValidEvents(all, undefined, this.clock?.now() ?? new Date());
    } catch (err) {
      if (err instanceof InvalidEventError) {
        throw validationFailed(
          err.problems.map((p) => {
            const i = p.indexOf(': ');
            return { value: null, msg: i > 0 ? p.slice(i + 2) : p, param: i > 0 ? p.slice(0, i) : 'body', location: 'body' as const };
          }),
          err.message,
        );
      }
      throw err;
    }
    if (!all.length) return [];
    const work = async (q: QueryRunner) => {
      for (const b of batches) {
        if (b.events.length) await this.store.append(b.aggregate.id, b.streamType, b.aggregate.version, b.events, q);
      }
      if (extra) await extra(q);
    };
    if (tx) await work(tx);
    else await inTransaction(this.ds, work);
    for (const b of batches) b.aggregate.version += b.events.length;
    return all;
  }
}
