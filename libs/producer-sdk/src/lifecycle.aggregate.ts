import { buildEvent, type EventDefinition, type EventEnvelope, type EventMeta } from '@cep/contracts';
import { AggregateRoot } from '@cep/event-store';
import { NONE, type None, type StateMachine } from './state-machine';

export interface LifecycleState<S extends string, D> {
  status: S | None;
  /** Tenant of the aggregate (envelope organisationId of its first event). */
  organisationId?: string;
  /** Whatever the aggregate folds from its events (see {@link LifecycleAggregate.fold}). */
  data: D;
}

/**
 * Event-sourced aggregate whose status follows a {@link StateMachine}: the status is rebuilt by replaying the
 * events (each event type moves the state the table says), `data` by {@link fold}. Commands call
 * {@link guard} first (throws for illegal transitions, nothing is recorded) and then `record` their events.
 */
export abstract class LifecycleAggregate<S extends string, C extends string, D> extends AggregateRoot<LifecycleState<S, D>> {
  constructor(
    id: string,
    protected readonly machine: StateMachine<S, C>,
    initialData: D,
  ) {
    super(id, { status: NONE, data: initialData });
  }

  get status(): S | None {
    return this.state.status;
  }

  get data(): Readonly<D> {
    return this.state.data;
  }

  get exists(): boolean {
    return this.state.status !== NONE;
  }

  /** Folds an event's payload into the aggregate's data; default: unchanged. */
  protected fold(data: D, _event: EventEnvelope): D {
    return data;
  }

  protected evolve(s: LifecycleState<S, D>, e: EventEnvelope): LifecycleState<S, D> {
    return { status: this.machine.after(e.type, s.status), organisationId: s.organisationId ?? e.organisationid, data: this.fold(s.data, e) };
  }

  protected guard(command: C): void {
    this.machine.assert(command, this.state.status, this.id);
  }
}

/**
 * A {@link LifecycleAggregate} whose data is the payload of its events of `foldTypes` (merged in order), and whose
 * commands record one event built from that data plus a patch: enough for entities whose events all share one
 * payload class (schemas, keys, DIDs, trust anchors/entities, providers, backups).
 */
export class EntityAggregate<S extends string, C extends string, D extends object> extends LifecycleAggregate<S, C, D | undefined> {
  constructor(
    id: string,
    machine: StateMachine<S, C>,
    private readonly foldTypes: readonly string[],
  ) {
    super(id, machine, undefined);
  }

  protected override fold(data: D | undefined, e: EventEnvelope): D | undefined {
    return this.foldTypes.includes(e.type) ? ({ ...(data ?? {}), ...(e.data as D) } as D) : data;
  }

  /** Guards `command`, then records `def` with the aggregate's data merged with `patch`. Returns the event. */
  execute<T extends string>(command: C, def: EventDefinition<T, D>, patch: Partial<D>, meta: EventMeta): EventEnvelope<T, D> {
    this.guard(command);
    const event = buildEvent(def, { ...(this.data ?? {}), ...patch } as D, meta);
    this.record(event);
    return event;
  }

  /** Guards `command` without recording its main event (for commands that record only session events). */
  check(command: C): void {
    this.guard(command);
  }

  /** Records an additional event (e.g. a session event) after a guarded command. */
  also<T extends string, P extends object>(def: EventDefinition<T, P>, data: P, meta: EventMeta): void {
    this.record(buildEvent(def, data, meta));
  }
}
