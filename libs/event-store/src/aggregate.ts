import type { EventEnvelope } from '@cep/contracts';

/** Domain error of an aggregate: an illegal transition (HTTP 409) or a missing aggregate (HTTP 404). */
export class DomainError extends Error {
  constructor(
    readonly code: 'illegal_transition' | 'not_found' | 'already_exists' | 'forbidden',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Base of event-sourced aggregates: state is rebuilt by folding its events; commands record new events
 * which the repository appends with the version read (optimistic concurrency).
 */
export abstract class AggregateRoot<TState> {
  protected state: TState;
  private pending: EventEnvelope[] = [];
  version = 0;

  constructor(
    readonly id: string,
    initial: TState,
  ) {
    this.state = initial;
  }

  protected abstract evolve(state: TState, event: EventEnvelope): TState;

  loadFromHistory(events: EventEnvelope[]): this {
    for (const e of events) {
      this.state = this.evolve(this.state, e);
      this.version += 1;
    }
    return this;
  }

  protected record(event: EventEnvelope): void {
    this.state = this.evolve(this.state, event);
    this.pending.push(event);
  }

  get snapshot(): Readonly<TState> {
    return this.state;
  }

  pullPendingEvents(): EventEnvelope[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }
}
