import { toHistoryDraft } from '@cep/history';
import { credentialWorkload } from '../workload';
import { historyAdapter, relationsOf } from './history.adapter';

describe('history fault adapter: the oracle', () => {
  const org = '0b1f7c6a-3d2e-4f5a-8b9c-1d2e3f4a5b6c';
  const wl = credentialWorkload(org, { events: 1200, sessions: true, relations: true });

  it("given each workload event alone, then the oracle's relations (from the filters' documented meaning) equal the projection mapper's", () => {
    for (const e of wl.events) {
      const d = toHistoryDraft(e);
      if (!d) continue;
      expect({ type: e.type, related: [...new Set(relationsOf(e))].sort() }).toEqual({ type: e.type, related: [...d.related].sort() });
    }
  });

  it('given the workload, then the expected rows cover every view: entries, entity states (with merged proof relations) and relation filter totals', () => {
    const rows = historyAdapter.oracle(wl.events);
    const kinds = new Map<string, string[]>();
    for (const r of rows) kinds.set(r[0], [...(kinds.get(r[0]) ?? []), r]);
    expect(kinds.get('E')!.length).toBe(wl.events.length);
    // a proof entity's state holds the proof schema (proofs topic) and the presented credential (wallet topic)
    const shared = (wl.events.find((e) => e.type === 'wallet.proof-shared')!.data as { proofId: string; credentials: { credentialId: string }[] });
    const state = kinds.get('S')!.find((r) => r.startsWith(`S|${shared.proofId}|`))!;
    expect(state.split('|')[2].split(',')).toEqual(expect.arrayContaining([shared.credentials[0].credentialId]));
    expect(state.split('|')[2].split(',').length).toBe(5); // itself, proof schema, verifier DID, credential, its schema
    // every filter kind is totalled: 4 credential schemas, 3 proof schemas, 3 + 2 DIDs, 2 providers, sampled entity ids
    expect(kinds.get('F')!.length).toBeGreaterThan(4 + 3 + 5 + 2);
  });
});
