import { EVENT_REGISTRY, parseEvent, TOPICS } from '@cep/contracts';
import { credentialWorkload, poisonMessage, sessionPoisonMessage } from './workload';

describe('fault workload', () => {
  const org = '7d3f1a52-2a52-4c1e-9a43-0f7f1f4b9f10';

  it('without sessions emits credential events only', () => {
    const wl = credentialWorkload(org, { events: 200 });
    expect(new Set(wl.messages.map((m) => m.topic))).toEqual(new Set([TOPICS.credentials]));
  });

  it('with sessions adds verification and issuance sessions keyed by session id, every message contract-valid', () => {
    const wl = credentialWorkload(org, { events: 600, sessions: true });
    const sessions = wl.events.filter((e) => e.type.startsWith('session.'));
    expect(sessions.length).toBeGreaterThan(50);
    expect(new Set(sessions.map((e) => e.type))).toEqual(new Set(['session.verification', 'session.issuance']));
    for (const m of wl.messages) {
      const r = parseEvent(m.value, EVENT_REGISTRY);
      expect(r.ok).toBe(true);
      if (r.ok) expect(m.key).toBe(r.event.subject);
    }
    // each session opens, then ends with Success or Failure
    const bySession = new Map<string, string[]>();
    for (const e of sessions) {
      const d = e.data as { sessionId: string; status: { type: string } };
      bySession.set(d.sessionId, [...(bySession.get(d.sessionId) ?? []), d.status.type]);
    }
    for (const statuses of bySession.values()) expect(statuses[0]).toBe('Open');
    expect([...bySession.values()].some((s) => s[1] === 'Failure')).toBe(true);
  });

  it('with relations adds proofs (proofs + wallet topics side by side) and interactions, contract-valid, relations from small pools', () => {
    const wl = credentialWorkload(org, { events: 800, sessions: true, relations: true });
    for (const m of wl.messages) {
      const r = parseEvent(m.value, EVENT_REGISTRY);
      expect({ topic: m.topic, ok: r.ok }).toEqual({ topic: m.topic, ok: true });
      if (r.ok) expect(m.key).toBe(r.event.subject);
    }
    expect(new Set(wl.messages.map((m) => m.topic))).toEqual(new Set([TOPICS.credentials, TOPICS.sessions, TOPICS.proofs, TOPICS.wallet, TOPICS.bridge]));
    // each proof's events on the proofs topic and its wallet.proof-shared are sent within a few messages of each other
    const at = new Map<string, number[]>();
    wl.events.forEach((e, i) => {
      const proofId = (e.data as { proofId?: string }).proofId;
      if (proofId) at.set(proofId, [...(at.get(proofId) ?? []), i]);
    });
    expect(at.size).toBeGreaterThan(20);
    for (const idx of at.values()) {
      expect(idx).toHaveLength(3);
      expect(Math.min(...idx.slice(1).map((i) => i - idx[0]))).toBeLessThan(3);
    }
    const schemas = new Set(wl.events.filter((e) => e.type === 'credential.created').map((e) => (e.data as { schemaId: string }).schemaId));
    expect(schemas.size).toBe(4);
  });

  it.each([
    [0, 'malformed_json'],
    [1, 'unknown_type'],
    [2, 'invalid_payload'],
  ])('poison %i is rejected as %s on both topics', (i, reason) => {
    for (const make of [poisonMessage, sessionPoisonMessage]) {
      const m = make(org, '0b6c5f7e-8c55-4a4e-a2f4-3a0f6b1d2c3e', i);
      const r = parseEvent(m.value, EVENT_REGISTRY);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason).toBe(reason);
    }
    expect(sessionPoisonMessage(org, 'k', i).topic).toBe(TOPICS.sessions);
  });

  it('spreads poison over both topics when sessions are on', () => {
    const wl = credentialWorkload(org, { events: 400, sessions: true, poison: 8 });
    const poisoned = wl.messages.filter((m) => wl.poisonKeys.includes(m.key));
    expect(poisoned).toHaveLength(8);
    expect(poisoned.filter((m) => m.topic === TOPICS.sessions)).toHaveLength(2);
  });
});
