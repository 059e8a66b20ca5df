import { EVENT_REGISTRY, validateEvent, type CredentialCreatedData, type EventEnvelope } from '@cep/contracts';
import { DomainError } from '@cep/event-store';
import { replayed, transitionCases, type SessionInfo } from '@cep/producer-sdk';
import { CREDENTIAL_MACHINE, CredentialAggregate, type CredentialCommand, type CredentialState } from './credential.aggregate';

const ID = '01890a5d-ac96-774b-bcce-b302099a8057';
const T0 = new Date('2026-01-01T00:00:00.000Z');
const AFTER_EXPIRY = new Date('2026-03-01T00:00:00.000Z');
const meta = { organisationId: 'org-1', correlationId: 'c-1', source: 'urn:cep:issuer', time: T0 };
const session: SessionInfo = { target: 'cep.issuer', originator: 'alice', callId: 'call-1' };
const issued: CredentialCreatedData = {
  credentialId: ID,
  name: 'Driving licence',
  schemaId: '01890a5d-ac96-774b-bcce-b302099a8058',
  schemaName: 'Driving licence',
  profile: 'mdoc',
  credentialType: 'org.iso.18013.5.1.mDL',
  issuerDid: { id: '01890a5d-ac96-774b-bcce-b302099a8059', did: 'did:key:z6Mk', name: 'DMV' },
  activityId: '01890a5d-ac96-774b-bcce-b302099a805a',
  actorProfileId: 'alice',
  claims: [{ name: 'Birthdate', value: '1990-01-01' }],
  recipient: { type: 'email', identifier: 'holder@example.com' },
  source: 'send',
  offerExpiresAt: '2026-01-31T00:00:00.000Z',
};

/** Runs one command (with valid arguments) on the aggregate. */
function run(a: CredentialAggregate, c: CredentialCommand): void {
  switch (c) {
    case 'create':
    case 'markPending':
    case 'offer':
      // create, markPending and offer are one command (issue); markPending/offer alone are the guards it checks.
      if (c === 'create') return a.issue(issued, meta, session);
      return (a as unknown as { guard(c: string): void }).guard(c);
    case 'accept':
      return a.accept(meta, session);
    case 'reject':
      return a.reject(meta, session, { reason: 'not mine' });
    case 'expire':
      return a.expire(meta, session, AFTER_EXPIRY);
    case 'failDelivery':
      return a.failDelivery(meta, session, 'mailbox full');
    case 'revoke':
      return a.revoke(meta, { reason: 'key compromise' });
    case 'suspend':
      return a.suspend(meta);
    case 'reactivate':
      return a.reactivate(meta);
    case 'share':
      return a.share(meta);
    case 'delete':
      return a.delete(meta);
  }
}

/** Command paths that reach each state (PENDING/CREATED are only observable through replay of partial streams). */
const PATHS: Record<Exclude<CredentialState, 'CREATED' | 'PENDING'> | 'NONE', CredentialCommand[]> = {
  NONE: [],
  OFFERED: ['create'],
  ACCEPTED: ['create', 'accept'],
  REJECTED: ['create', 'reject'],
  EXPIRED: ['create', 'expire'],
  FAILED: ['create', 'failDelivery'],
  SUSPENDED: ['create', 'accept', 'suspend'],
  REVOKED: ['create', 'accept', 'revoke'],
  DELETED: ['create', 'delete'],
};

function given(state: CredentialState | 'NONE'): CredentialAggregate {
  const a = new CredentialAggregate(ID);
  let events: EventEnvelope[];
  if (state === 'CREATED' || state === 'PENDING') {
    a.issue(issued, meta, session);
    events = a.pullPendingEvents().slice(0, state === 'CREATED' ? 1 : 2);
  } else {
    for (const c of PATHS[state]) run(a, c);
    events = a.pullPendingEvents();
  }
  const rebuilt = replayed(() => new CredentialAggregate(ID), events);
  expect(rebuilt.status).toBe(state);
  return rebuilt;
}

describe('CredentialAggregate: every (state, command) pair', () => {
  const cases = transitionCases(CREDENTIAL_MACHINE).filter((c) => !(c.command === 'markPending' || c.command === 'offer') || c.legal === false);
  it.each(cases)('given $state, when $command, then legal=$legal', (c) => {
    const a = given(c.state);
    if (c.legal) {
      run(a, c.command);
      const events = a.pullPendingEvents();
      expect(a.status).toBe(c.command === 'create' ? 'OFFERED' : c.expectedState);
      expect(events[0].type).toBe(c.expectedEvent);
      for (const e of events) expect(validateEvent(JSON.parse(JSON.stringify(e)), EVENT_REGISTRY)).toMatchObject({ ok: true });
    } else {
      expect(() => run(a, c.command)).toThrow(DomainError);
      expect(a.pullPendingEvents()).toEqual([]);
    }
  });
});

describe('CredentialAggregate: issuance', () => {
  it('given nothing, when issued, then CREATED, PENDING, OFFERED and the issuance session opens', () => {
    const a = new CredentialAggregate(ID);
    a.issue(issued, meta, session);
    const events = a.pullPendingEvents();
    expect(events.map((e) => e.type)).toEqual(['credential.created', 'credential.pending', 'credential.offered', 'session.issuance']);
    expect(events[2].data).toMatchObject({ activityId: issued.activityId, recipient: issued.recipient, profile: 'mdoc', credentialType: issued.credentialType });
    expect(events[2].data).not.toHaveProperty('claims');
    expect(events[3]).toMatchObject({ subject: ID, data: { action: { type: 'init_session' }, status: { type: 'Open' }, sessionId: ID, format: 'mso_mdoc', callId: 'call-1' } });
  });

  it('given an offer, when accepted, then the session succeeds; when rejected, it fails with the reason', () => {
    const ok = given('OFFERED');
    ok.accept(meta, session, { holderDid: { id: issued.issuerDid.id, did: 'did:key:holder' } });
    const [accepted, s1] = ok.pullPendingEvents();
    expect(accepted.data).toMatchObject({ holderDid: { did: 'did:key:holder' } });
    expect(s1.data).toMatchObject({ status: { type: 'Success' }, error: null, holderId: 'did:key:holder' });
    const ko = given('OFFERED');
    ko.reject(meta, session, { reason: 'not mine' });
    expect(ko.pullPendingEvents()[1].data).toMatchObject({ status: { type: 'Failure' }, error: 'rejected by holder: not mine' });
  });

  it('given an offer before its expiry, when expired, then 409 and nothing recorded', () => {
    const a = given('OFFERED');
    expect(() => a.expire(meta, session, new Date('2026-01-30T23:59:59.999Z'))).toThrow(/expires at 2026-01-31/);
    expect(a.pullPendingEvents()).toEqual([]);
  });

  it('given an offer at its expiry, when expired, then offer-expired once; a second expiry is illegal', () => {
    const a = given('OFFERED');
    a.expire(meta, session, new Date(issued.offerExpiresAt));
    expect(a.pullPendingEvents().map((e) => e.type)).toEqual(['credential.offer-expired', 'session.issuance']);
    expect(() => a.expire(meta, session, AFTER_EXPIRY)).toThrow(DomainError);
  });

  it('given a failed delivery, then the event carries the error', () => {
    const a = given('OFFERED');
    a.failDelivery(meta, session, 'mailbox full');
    expect(a.pullPendingEvents()[0].data).toMatchObject({ error: 'mailbox full' });
  });
});
