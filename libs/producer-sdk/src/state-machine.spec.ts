import { DomainError } from '@cep/event-store';
import { NONE, StateMachine } from './state-machine';
import { transitionCases } from './transition-cases';

const m = new StateMachine('thing', ['A', 'B'] as const, {
  create: { from: [NONE], to: 'A', event: 'thing.created' },
  move: { from: ['A'], to: 'B', event: 'thing.moved' },
  touch: { from: ['A', 'B'], event: 'thing.touched' },
});

describe('StateMachine', () => {
  it('given a missing aggregate, when a non-create command, then not_found', () => {
    expect(() => m.assert('move', NONE, 'x')).toThrow(expect.objectContaining({ code: 'not_found' }));
  });
  it('given an existing aggregate, when create, then already_exists', () => {
    expect(() => m.assert('create', 'A', 'x')).toThrow(expect.objectContaining({ code: 'already_exists' }));
  });
  it('given B, when move, then illegal_transition naming the states', () => {
    let err: unknown;
    try {
      m.assert('move', 'B', 'x');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).message).toBe('cannot move thing x: it is B; allowed only when A');
  });
  it('replaying an event moves to its state; events without a target state keep it', () => {
    expect(m.after('thing.moved', 'A')).toBe('B');
    expect(m.after('thing.touched', 'B')).toBe('B');
  });
  it('enumerates every (state, command) pair', () => {
    const cases = transitionCases(m);
    expect(cases).toHaveLength(9);
    expect(cases.filter((c) => c.legal).map((c) => `${c.state}:${c.command}`)).toEqual(['NONE:create', 'A:move', 'A:touch', 'B:touch']);
  });
});
