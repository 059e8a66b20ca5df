import { EVENT_REGISTRY } from '../catalogue';
import { buildEvent } from '../event-builder';
import { parseEvent } from '../validation';
import {
  SESSION_EVENT_NAMESPACE,
  SessionDid,
  SessionIssuance,
  SessionKey,
  SessionVerification,
  SessionWallet,
  isSessionEvent,
  toPublishedShape,
  type SessionEvent,
} from './session.events';

/** Seed 001, verbatim (the reference product's namespace is `id.walt.commons.events`). */
const SEED_001 = `{
  "type": "id.walt.commons.events.VerificationEvent",
  "eventType": "VerificationEvent",
  "_id": "e7a33f7b-024c-4ff7-980b-d47f7ed825e7",
  "originator": null,
  "organization": "waltid",
  "target": "waltid.mycustomer.verifier1",
  "timestamp": 1741252466353,
  "action": {
    "type": "init_session"
  },
  "status": {
    "type": "Open"
  },
  "callId": "9c2f6b21-8d99-4a41-8950-66f5aa4485d2",
  "error": null,
  "sessionId": "bec96d15-6fe9-4553-a873-82b2ef270b15",
  "format": "vc+sd-jwt",
  "signatureAlgorithm": "",
  "credentialType": "identity_credential"
}`;
const seed = JSON.parse(SEED_001);

const meta = (overrides: Partial<{ id: string; organisationId: string; time: Date }> = {}) => ({
  id: 'e7a33f7b-024c-4ff7-980b-d47f7ed825e7',
  organisationId: 'waltid',
  correlationId: 'corr-1',
  source: 'urn:cep:verifier',
  time: new Date(1741252466353),
  ...overrides,
});

/** Builds, serialises and validates, as a consumer would receive it. */
function received<E extends SessionEvent>(envelope: object): E {
  const r = parseEvent(JSON.stringify(envelope), EVENT_REGISTRY);
  if (!r.ok) throw new Error(`${r.reason}: ${r.error}`);
  expect(isSessionEvent(r.event)).toBe(true);
  return r.event as E;
}

const seedEvent = () =>
  received<Extract<SessionEvent, { type: 'session.verification' }>>(
    buildEvent(
      SessionVerification,
      {
        target: 'waltid.mycustomer.verifier1',
        action: { type: 'init_session' },
        status: { type: 'Open' },
        callId: '9c2f6b21-8d99-4a41-8950-66f5aa4485d2',
        sessionId: 'bec96d15-6fe9-4553-a873-82b2ef270b15',
        format: 'vc+sd-jwt',
        signatureAlgorithm: '',
        credentialType: 'identity_credential',
      },
      meta(),
    ),
  );

describe('toPublishedShape: seed 001 (VerificationEvent)', () => {
  it('the envelope keeps CloudEvents attributes; data holds only the published non-derived fields', () => {
    const e = seedEvent();
    expect(e.type).toBe('session.verification');
    expect(e.subject).toBe(seed.sessionId);
    expect(e.time).toBe('2025-03-06T09:14:26.353Z');
    for (const derived of ['_id', 'organization', 'timestamp', 'type', 'eventType']) expect(e.data).not.toHaveProperty(derived);
  });

  it('produces the seed field by field', () => {
    const p = toPublishedShape(seedEvent(), { namespace: 'id.walt.commons.events' });
    expect(p.type).toBe(seed.type);
    expect(p.eventType).toBe(seed.eventType);
    expect(p._id).toBe(seed._id);
    expect(p.originator).toBeNull();
    expect(p.organization).toBe(seed.organization);
    expect(p.target).toBe(seed.target);
    expect(p.timestamp).toBe(seed.timestamp);
    expect(typeof p.timestamp).toBe('number');
    expect(p.action).toEqual(seed.action);
    expect(p.status).toEqual(seed.status);
    expect(p.callId).toBe(seed.callId);
    expect(p.error).toBeNull();
    expect(p.sessionId).toBe(seed.sessionId);
    expect(p.format).toBe(seed.format);
    expect(p.signatureAlgorithm).toBe(seed.signatureAlgorithm);
    expect(p.credentialType).toBe(seed.credentialType);
  });

  it('has exactly the seed keys, in the seed order, and serialises to the same JSON', () => {
    const p = toPublishedShape(seedEvent(), { namespace: 'id.walt.commons.events' });
    expect(Object.keys(p)).toEqual(Object.keys(seed));
    expect(p).toEqual(seed);
    expect(JSON.stringify(p, null, 2)).toBe(SEED_001);
  });

  it('uses our namespace by default', () => {
    expect(SESSION_EVENT_NAMESPACE).toBe('cep.events');
    const p = toPublishedShape(seedEvent());
    expect(p.type).toBe('cep.events.VerificationEvent');
    expect({ ...p, type: seed.type }).toEqual(seed);
  });

  it('publishes explicit values for originator and error', () => {
    const e = received<Extract<SessionEvent, { type: 'session.verification' }>>(
      buildEvent(
        SessionVerification,
        {
          originator: 'alice@acme',
          target: 't',
          action: { type: 'verify' },
          status: { type: 'Failure' },
          error: 'signature invalid',
          sessionId: 's',
          format: 'jwt_vc_json',
          signatureAlgorithm: 'ES256',
        },
        meta(),
      ),
    );
    const p = toPublishedShape(e);
    expect(p).toMatchObject({ originator: 'alice@acme', error: 'signature invalid', callId: null, credentialType: null, status: { type: 'Failure' } });
  });
});

describe('toPublishedShape: sibling events', () => {
  const common = { target: 'acme.issuer1', action: { type: 'credential_issued' }, status: { type: 'Success' } } as const;
  const baseKeys = ['type', 'eventType', '_id', 'originator', 'organization', 'target', 'timestamp', 'action', 'status', 'callId', 'error'];

  it('IssuanceEvent', () => {
    const p = toPublishedShape(
      received<Extract<SessionEvent, { type: 'session.issuance' }>>(
        buildEvent(SessionIssuance, { ...common, sessionId: 's-2', credentialConfigurationId: 'OpenBadge_jwt_vc_json', proofType: 'jwt' }, meta()),
      ),
    );
    expect(Object.keys(p)).toEqual([...baseKeys, 'sessionId', 'credentialConfigurationId', 'format', 'proofType', 'holderId']);
    expect(p).toMatchObject({ type: 'cep.events.IssuanceEvent', eventType: 'IssuanceEvent', proofType: 'jwt', format: null, holderId: null });
  });

  it('KeyEvent', () => {
    const p = toPublishedShape(
      received<Extract<SessionEvent, { type: 'session.key' }>>(
        buildEvent(SessionKey, { ...common, keyEventType: 'Rotation', keyAlgorithm: 'secp256r1', keyId: 'k-1' }, meta()),
      ),
    );
    expect(Object.keys(p)).toEqual([...baseKeys, 'keyEventType', 'keyAlgorithm', 'keyId']);
    expect(p).toMatchObject({ type: 'cep.events.KeyEvent', eventType: 'KeyEvent', keyEventType: 'Rotation' });
  });

  it('DIDEvent', () => {
    const p = toPublishedShape(
      received<Extract<SessionEvent, { type: 'session.did' }>>(
        buildEvent(SessionDid, { ...common, didEventType: 'Create', didMethod: 'web', did: 'did:web:acme.example' }, meta()),
      ),
    );
    expect(Object.keys(p)).toEqual([...baseKeys, 'didEventType', 'didMethod', 'did']);
    expect(p).toMatchObject({ type: 'cep.events.DIDEvent', eventType: 'DIDEvent', did: 'did:web:acme.example' });
  });

  it('wallet events take their eventType from walletEventType', () => {
    const p = toPublishedShape(
      received<Extract<SessionEvent, { type: 'session.wallet' }>>(
        buildEvent(SessionWallet, { ...common, walletEventType: 'CredentialWalletEvent', walletId: 'w-1', credentialId: 'c-1', credentialStatus: 'ACCEPTED' }, meta()),
      ),
    );
    expect(p).toMatchObject({
      type: 'cep.events.CredentialWalletEvent',
      eventType: 'CredentialWalletEvent',
      walletId: 'w-1',
      credentialId: 'c-1',
      credentialStatus: 'ACCEPTED',
      presentationRequestUrl: null,
    });
    expect(Object.keys(p).slice(0, baseKeys.length)).toEqual(baseKeys);
  });

  it('is pure', () => {
    const e = seedEvent();
    const before = JSON.stringify(e);
    expect(toPublishedShape(e)).toEqual(toPublishedShape(e));
    expect(JSON.stringify(e)).toBe(before);
  });
});
