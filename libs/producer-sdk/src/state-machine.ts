import { DomainError } from '@cep/event-store';

/** The pseudo-state of an aggregate that has no events yet. */
export const NONE = 'NONE' as const;
export type None = typeof NONE;

export interface Transition<S extends string> {
  /** States in which the command is legal; `NONE` means "the aggregate must not exist yet". */
  readonly from: readonly (S | None)[];
  /** State after the command; omitted when the command changes no state (e.g. `shared`, `deleted` audit facts). */
  readonly to?: S;
  /** Event type the command records, which moves the aggregate to `to` when replayed. */
  readonly event: string;
}

export type TransitionTable<S extends string, C extends string> = Readonly<Record<C, Transition<S>>>;

/**
 * A table-driven state machine: which command is legal in which state, and where it leads. Aggregates use it to
 * reject illegal transitions with a {@link DomainError} (HTTP 409, 404 when the aggregate does not exist) and to
 * fold replayed events into their state; unit tests iterate the table to cover every (state, command) pair.
 */
export class StateMachine<S extends string, C extends string> {
  private readonly byEvent = new Map<string, S>();

  constructor(
    /** Entity name used in error messages, e.g. `credential`. */
    readonly entity: string,
    readonly states: readonly S[],
    readonly transitions: TransitionTable<S, C>,
  ) {
    for (const t of Object.values<Transition<S>>(transitions)) {
      if (t.to !== undefined) this.byEvent.set(t.event, t.to);
    }
  }

  get commands(): C[] {
    return Object.keys(this.transitions) as C[];
  }

  isLegal(command: C, current: S | None): boolean {
    return this.transitions[command].from.includes(current);
  }

  /** Throws unless `command` is legal in `current`. */
  assert(command: C, current: S | None, id: string): void {
    if (this.isLegal(command, current)) return;
    const t = this.transitions[command];
    if (current === NONE) throw new DomainError('not_found', `${this.entity} ${id} not found`);
    if (t.from.length === 1 && t.from[0] === NONE) throw new DomainError('already_exists', `${this.entity} ${id} already exists`);
    throw new DomainError(
      'illegal_transition',
      `cannot ${command} ${this.entity} ${id}: it is ${current}; allowed only when ${t.from.filter((s) => s !== NONE).join(', ')}`,
    );
  }

  /** State after replaying an event of `type` (unchanged for events that move no state). */
  after(type: string, current: S | None): S | None {
    return this.byEvent.get(type) ?? current;
  }
}

export type StatesOf<M> = M extends StateMachine<infer S, string> ? S : never;
export type CommandsOf<M> = M extends StateMachine<string, infer C> ? C : never;
