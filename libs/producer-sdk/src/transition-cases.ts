import type { EventEnvelope } from '@cep/contracts';
import type { AggregateRoot } from '@cep/event-store';
import { NONE, type None, type StateMachine } from './state-machine';

/** One (state, command) pair of a state machine and what must happen: for given/when/then aggregate tests. */
export interface TransitionCase<S extends string, C extends string> {
  state: S | None;
  command: C;
  legal: boolean;
  /** For legal cases: the state after the command. */
  expectedState?: S | None;
  /** For legal cases: the first event the command records. */
  expectedEvent?: string;
}

/** Every (state, command) pair of the machine, including the not-yet-existing aggregate (`NONE`). */
export function transitionCases<S extends string, C extends string>(machine: StateMachine<S, C>): TransitionCase<S, C>[] {
  const out: TransitionCase<S, C>[] = [];
  for (const state of [NONE, ...machine.states] as (S | None)[]) {
    for (const command of machine.commands) {
      const t = machine.transitions[command];
      const legal = machine.isLegal(command, state);
      out.push(legal ? { state, command, legal, expectedState: t.to ?? state, expectedEvent: t.event } : { state, command, legal });
    }
  }
  return out;
}

/** Rebuilds a fresh aggregate from the events another one recorded (the "given" of a test). */
export function replayed<A extends AggregateRoot<unknown>>(make: () => A, events: EventEnvelope[]): A {
  return make().loadFromHistory(JSON.parse(JSON.stringify(events)) as EventEnvelope[]);
}

/** Shortest command path from `NONE` to every reachable state (breadth-first over the table). */
export function pathsTo<S extends string, C extends string>(machine: StateMachine<S, C>): Map<S | None, C[]> {
  const paths = new Map<S | None, C[]>([[NONE, []]]);
  const queue: (S | None)[] = [NONE];
  while (queue.length) {
    const s = queue.shift()!;
    for (const c of machine.commands) {
      const t = machine.transitions[c];
      if (!machine.isLegal(c, s) || t.to === undefined || paths.has(t.to)) continue;
      paths.set(t.to, [...paths.get(s)!, c]);
      queue.push(t.to);
    }
  }
  return paths;
}

/**
 * Given/when/then over every (state, command) pair: `given` the aggregate rebuilt from the events of the shortest
 * path to the state, `when` the command runs, `then` a legal command records its event and reaches the table's
 * state, an illegal one throws and records nothing. Returns a failure description per broken case (empty = ok).
 */
export function checkAllTransitions<S extends string, C extends string, A extends AggregateRoot<unknown> & { status: S | None }>(
  machine: StateMachine<S, C>,
  make: () => A,
  run: (aggregate: A, command: C) => void,
): string[] {
  const failures: string[] = [];
  const paths = pathsTo(machine);
  for (const c of transitionCases(machine)) {
    const path = paths.get(c.state);
    if (!path) continue;
    const builder = make();
    for (const step of path) run(builder, step);
    const agg = replayed(make, builder.pullPendingEvents());
    const label = `given ${c.state}, when ${c.command}`;
    if (agg.status !== c.state) failures.push(`${label}: could not reach ${c.state} (got ${agg.status})`);
    let threw: unknown;
    try {
      run(agg, c.command);
    } catch (err) {
      threw = err;
    }
    const events = agg.pullPendingEvents();
    if (c.legal) {
      if (threw) failures.push(`${label}: expected legal, threw ${(threw as Error).message}`);
      else if (events[0]?.type !== c.expectedEvent) failures.push(`${label}: expected ${c.expectedEvent}, recorded ${events.map((e) => e.type).join(',')}`);
      else if (agg.status !== c.expectedState) failures.push(`${label}: expected state ${c.expectedState}, got ${agg.status}`);
    } else if (!threw || (threw as { code?: string }).code === undefined) {
      failures.push(`${label}: expected a DomainError, got ${threw ? (threw as Error).message : 'success'}`);
    } else if (events.length) {
      failures.push(`${label}: recorded events although illegal`);
    }
  }
  return failures;
}
