import { HISTORY_MAPPING } from '@cep/contracts';
import { historyScenario } from './testing/history-scenario';
import { mergeEntityState, searchText, toHistoryDraft } from './history-entry.mapper';
import { HISTORY_EVENT_TYPES } from './history.projection';

describe('history entry mapper (pure)', () => {
  const sc = historyScenario('org-1');
  const draftOf = (id: string) => toHistoryDraft(sc.events.find((e) => e.id === id)!)!;

  it('handles every history-mapped event type plus the verification and issuance sessions', () => {
    const mapped = Object.entries(HISTORY_MAPPING).filter(([, m]) => m).map(([t]) => t);
    expect([...HISTORY_EVENT_TYPES].sort()).toEqual([...mapped, 'session.verification', 'session.issuance'].sort());
  });

  it('given a credential event, relates it to its schema and DIDs and keeps claims apart from other segments', () => {
    const d = draftOf(sc.c1Events[0].id);
    expect(d).toMatchObject({ entityType: 'CREDENTIAL', action: 'CREATED', entityId: sc.ids.c1, source: 'CORE', organisationId: 'org-1' });
    expect(d.related).toEqual([sc.ids.c1, sc.ids.s1, sc.ids.d1, sc.ids.holder].sort());
    expect(d.claims).toContain('cv:1990-01-01');
    expect(d.segments).toContain('csn:Driving licence');
    expect(JSON.stringify(d.metadata)).not.toContain('1990-01-01');
  });

  it('given a proof presentation then CLAIMS_REMOVED, the merged state drops the claims for good', () => {
    const shared = toHistoryDraft(sc.proofEvents[2])!;
    expect(shared.related).toEqual(expect.arrayContaining([sc.ids.p, sc.ids.ps, sc.ids.v, sc.ids.c2, sc.ids.s2]));
    expect(shared.related).not.toContain(sc.ids.holder); // the holder is not the verifier
    const removed = toHistoryDraft(sc.claimsRemoved)!;
    expect(removed.purgeClaims).toBe(true);
    const state = mergeEntityState(undefined, [toHistoryDraft(sc.proofEvents[0])!, shared, removed]);
    expect(state.claims).toEqual([]);
    expect(state.claimsPurged).toBe(true);
    const again = mergeEntityState(state, [toHistoryDraft(sc.proofEvents[3])!]);
    expect(again.claims).toEqual([]);
    expect(searchText(again.segments, again.claims, again.claimsPurged)).not.toContain(sc.secretClaim);
  });

  it('given Bridge events, source is BRIDGE and interactions relate to their provider', () => {
    const interaction = sc.events.find((e) => e.type === 'interaction.succeeded')!;
    expect(toHistoryDraft(interaction)).toMatchObject({ entityType: 'INTERACTION', source: 'BRIDGE', entityId: sc.ids.interaction, target: 'alice' });
    expect(toHistoryDraft(interaction)!.related).toContain(sc.ids.provider);
  });

  it('given a session event, records it with an entity id derived from the session id', () => {
    const s = sc.events.find((e) => e.type === 'session.verification')!;
    expect(toHistoryDraft(s)).toMatchObject({ entityType: 'VERIFICATION_SESSION', action: 'PENDING', entityId: sc.ids.session });
    const other = toHistoryDraft({ ...s, data: { ...(s.data as object), sessionId: 'not-a-uuid' } })!;
    expect(other.entityId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
