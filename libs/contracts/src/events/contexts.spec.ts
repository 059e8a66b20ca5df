import { EVENT_REGISTRY } from '../catalogue';
import { buildEvent, type EventMeta } from '../event-builder';
import type { EventDefinition } from '../registry';
import { TOPICS } from '../topics';
import { parseEvent, type ParseResult } from '../validation';
import { InteractionErrored, InteractionSucceeded, ProviderCreated, ProviderUpdated } from './bridge.events';
import { CredentialSchemaCreated, CredentialSchemaShared } from './credential-schema.events';
import {
  DidCreated,
  DidDeactivated,
  OrganisationCreated,
  TrustAnchorCreated,
  TrustEntityActivated,
  TrustEntityCreated,
} from './identity.events';
import {
  ProofAccepted,
  ProofClaimsRemoved,
  ProofCreated,
  ProofErrored,
  ProofRequested,
  ProofSchemaCreated,
  ProofShared,
} from './proof.events';
import { SessionDid, SessionIssuance, SessionKey, SessionVerification, SessionWallet, didSessionKey } from './session.events';
import {
  BackupCreated,
  BackupRestored,
  WalletCredentialClaimed,
  WalletCredentialReceived,
  WalletCredentialRejected,
  WalletProofShared,
} from './wallet.events';

const META: EventMeta = {
  organisationId: '2476ebaa-0108-413d-aa72-c2a6babd423f',
  correlationId: 'corr-1',
  source: 'urn:cep:test',
  time: new Date('2025-03-06T08:25:44.619Z'),
};

const U = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function roundTrip(def: EventDefinition<string, any>, data: object): ParseResult {
  return parseEvent(JSON.stringify(buildEvent(def, data, META)), EVENT_REGISTRY);
}

function expectOk(def: EventDefinition<string, any>, data: object) {
  const r = roundTrip(def, data);
  if (!r.ok) throw new Error(`${def.type} rejected: ${r.reason} ${r.error}`);
  expect(r.event.type).toBe(def.type);
  expect(r.event.subject).toBe(def.key(data));
  return r.event;
}

function expectInvalid(def: EventDefinition<string, any>, data: object, ...fragments: string[]) {
  const r = roundTrip(def, data);
  expect(r.ok).toBe(false);
  if (r.ok) return;
  expect(r.reason).toBe('invalid_payload');
  for (const f of fragments) expect(r.error).toContain(f);
}

const did = (n: number, name = `DID ${n}`) => ({ id: U(n), did: `did:key:z6Mk${n}`, name });

describe('credential-schema events', () => {
  const schema = {
    schemaId: U(1),
    name: 'Employee badge',
    profile: 'sd-jwt-vc',
    credentialType: 'VerifiedEmployee',
    claimNames: ['firstName', 'lastName', 'address/street'],
    actorProfileId: 'profile-1',
  };

  it('accepts a valid payload, keyed by schemaId on the credentials topic', () => {
    const e = expectOk(CredentialSchemaCreated, schema);
    expect(e.subject).toBe(U(1));
    expect(CredentialSchemaCreated.topic).toBe(TOPICS.credentials);
    expectOk(CredentialSchemaShared, { ...schema, claimNames: [] });
  });

  it('rejects an unknown profile and non-string claim names', () => {
    expectInvalid(CredentialSchemaCreated, { ...schema, profile: 'pdf' }, 'profile');
    expectInvalid(CredentialSchemaCreated, { ...schema, claimNames: ['ok', 42] }, 'claimNames');
    expectInvalid(CredentialSchemaCreated, { ...schema, claimNames: undefined }, 'claimNames');
  });
});

describe('proof events', () => {
  const common = {
    proofId: U(10),
    name: 'Age check',
    proofSchemaId: U(11),
    proofSchemaName: 'Age over 18',
    verifierDid: did(12, 'Verifier'),
    actorProfileId: 'verifier-service',
  };
  const presented = {
    ...common,
    holderDid: did(13),
    credentials: [{ credentialId: U(14), schemaId: U(15) }],
    claims: [{ name: 'birthdate', value: '1990-01-01' }],
  };

  it('accepts proof schema, request, presentation and claims-removed payloads', () => {
    expectOk(ProofSchemaCreated, {
      proofSchemaId: U(11),
      name: 'Age over 18',
      credentialSchemaIds: [U(15)],
      claimNames: ['birthdate'],
      actorProfileId: 'p',
    });
    expect(expectOk(ProofCreated, common).subject).toBe(U(10));
    expectOk(ProofRequested, { ...common, holderDid: did(13) });
    const shared = expectOk(ProofShared, presented);
    expect((shared.data as any).credentials).toEqual([{ credentialId: U(14), schemaId: U(15) }]);
    expectOk(ProofAccepted, presented);
    expectOk(ProofErrored, { ...common, error: 'holder binding failed' });
    expectOk(ProofClaimsRemoved, { ...common, credentials: presented.credentials });
  });

  it('requires the credentials used and the claims on proof.shared / proof.accepted', () => {
    expectInvalid(ProofShared, { ...presented, credentials: [] }, 'credentials');
    expectInvalid(ProofShared, { ...presented, credentials: undefined }, 'credentials');
    expectInvalid(ProofAccepted, { ...presented, claims: undefined }, 'claims');
    expectInvalid(ProofShared, { ...presented, credentials: [{ credentialId: 'nope', schemaId: U(15) }] }, 'credentials.0.credentialId');
  });

  it('rejects claim values on proof.claims-removed', () => {
    expectInvalid(ProofClaimsRemoved, { ...common, claims: presented.claims }, 'claims must be absent');
  });

  it('requires the error on proof.errored and the verifier DID everywhere', () => {
    expectInvalid(ProofErrored, common, 'error');
    const { verifierDid: _omit, ...withoutVerifier } = common;
    expectInvalid(ProofCreated, withoutVerifier, 'verifierDid');
    expectInvalid(ProofCreated, { ...common, verifierDid: { id: 'x', did: 'did:key:1' } }, 'verifierDid.id');
  });
});

describe('identity events', () => {
  const didData = { didId: U(20), did: 'did:key:z6MkA', name: 'Issuer DID', method: 'KEY', keyIds: [U(21)], actorProfileId: 'p' };

  it('accepts DIDs, organisations, trust anchors and trust entities', () => {
    expect(expectOk(DidCreated, didData).subject).toBe(U(20));
    expectOk(DidDeactivated, didData);
    expect(expectOk(OrganisationCreated, { id: U(22), name: 'Acme', actorProfileId: 'p' }).subject).toBe(U(22));
    expectOk(TrustAnchorCreated, { trustAnchorId: U(23), name: 'EU list', type: 'SIMPLE_TRUST_LIST', actorProfileId: 'p' });
    expectOk(TrustEntityCreated, { trustEntityId: U(24), name: 'Acme issuer', trustAnchorId: U(23), didId: U(20), actorProfileId: 'p' });
    expectOk(TrustEntityActivated, { trustEntityId: U(24), name: 'Acme issuer', trustAnchorId: U(23), actorProfileId: 'p' });
  });

  it('rejects bad ids', () => {
    expectInvalid(DidCreated, { ...didData, keyIds: ['not-a-uuid'] }, 'keyIds');
    expectInvalid(TrustEntityCreated, { trustEntityId: U(24), name: 'x', trustAnchorId: 'anchor', actorProfileId: 'p' }, 'trustAnchorId');
  });
});

describe('bridge events', () => {
  const provider = { providerId: U(30), name: 'Azure AD', issuerUrl: 'https://login.example.com/tenant/v2.0', source: 'BRIDGE', actorProfileId: 'p' };

  it('accepts provider and interaction payloads, all keyed by providerId', () => {
    expect(expectOk(ProviderCreated, provider).subject).toBe(U(30));
    expectOk(ProviderUpdated, { ...provider, issuerUrl: undefined });
    const ok = expectOk(InteractionSucceeded, { interactionId: U(31), providerId: U(30), providerName: 'Azure AD', subject: 'alice', source: 'BRIDGE' });
    expect(ok.subject).toBe(U(30));
    const err = expectOk(InteractionErrored, { interactionId: U(32), providerId: U(30), providerName: 'Azure AD', error: 'invalid_grant', source: 'BRIDGE' });
    expect(err.subject).toBe(U(30));
  });

  it("rejects a source other than 'BRIDGE', a bad issuer URL and an errored interaction without error", () => {
    expectInvalid(ProviderCreated, { ...provider, source: 'CORE' }, 'source');
    expectInvalid(ProviderCreated, { ...provider, issuerUrl: 'not a url' }, 'issuerUrl');
    expectInvalid(InteractionErrored, { interactionId: U(32), providerId: U(30), providerName: 'Azure AD', source: 'BRIDGE' }, 'error');
  });
});

describe('wallet events', () => {
  const received = {
    credentialId: U(40),
    name: 'Employee badge',
    schemaId: U(41),
    schemaName: 'Employee badge',
    profile: 'mdoc',
    credentialType: 'org.iso.18013.5.1.mDL',
    issuerDid: did(42, 'Issuer'),
    holderDid: did(43),
    activityId: U(44),
    actorProfileId: 'issuer-profile',
    recipient: { type: 'profile', identifier: 'did:web:alice' },
    boostUri: 'boost:1',
    integrationId: 'int-1',
    source: 'send',
    credentialUri: 'urn:credential:1',
    issuerOrganisationId: 'issuer-org',
  };

  it('carries the issuance fields so activity needs no join', () => {
    const e = expectOk(WalletCredentialReceived, received);
    expect(e.subject).toBe(U(40));
    expect(e.data).toMatchObject({ activityId: U(44), recipient: received.recipient, boostUri: 'boost:1', credentialUri: 'urn:credential:1' });
    expectOk(WalletCredentialClaimed, { ...received, actorProfileId: 'recipient-profile' });
    expectOk(WalletCredentialRejected, { ...received, reason: 'not mine' });
  });

  it('requires the issuing tenant, the recipient and the issuer DID', () => {
    expectInvalid(WalletCredentialReceived, { ...received, issuerOrganisationId: undefined }, 'issuerOrganisationId');
    expectInvalid(WalletCredentialClaimed, { ...received, recipient: undefined }, 'recipient');
    expectInvalid(WalletCredentialClaimed, { ...received, issuerDid: undefined }, 'issuerDid');
    expectInvalid(WalletCredentialReceived, { ...received, activityId: 'a1' }, 'activityId');
  });

  it('accepts presentations and backups, rejects a presentation without credentials', () => {
    const proof = { proofId: U(45), name: 'Age check', verifierDid: did(46), credentials: [{ credentialId: U(40), schemaId: U(41) }], actorProfileId: 'holder' };
    expect(expectOk(WalletProofShared, proof).subject).toBe(U(45));
    expectInvalid(WalletProofShared, { ...proof, credentials: [] }, 'credentials');
    expect(expectOk(BackupCreated, { backupId: U(47), name: 'backup.zip', actorProfileId: 'holder' }).subject).toBe(U(47));
    expectOk(BackupRestored, { backupId: U(47), name: 'backup.zip', actorProfileId: 'holder' });
    expectInvalid(BackupCreated, { backupId: U(47), actorProfileId: 'holder' }, 'name');
  });
});

describe('session events', () => {
  const base = {
    originator: null,
    target: 'acme.customer.verifier1',
    action: { type: 'init_session' },
    status: { type: 'Open' },
    callId: '9c2f6b21-8d99-4a41-8950-66f5aa4485d2',
    error: null,
  };

  it('accepts each session event type with its partition key', () => {
    const v = expectOk(SessionVerification, { ...base, sessionId: 's-1', format: 'vc+sd-jwt', signatureAlgorithm: '', credentialType: 'identity_credential' });
    expect(v.subject).toBe('s-1');
    expect(expectOk(SessionIssuance, { ...base, sessionId: 's-2', credentialConfigurationId: 'UniversityDegree_jwt_vc_json' }).subject).toBe('s-2');
    expect(expectOk(SessionKey, { ...base, keyEventType: 'Create', keyAlgorithm: 'Ed25519', keyId: 'k-1' }).subject).toBe('k-1');
    expect(expectOk(SessionDid, { ...base, didEventType: 'Resolve', didMethod: 'key', did: 'did:key:z6Mk1' }).subject).toBe('did:key:z6Mk1');
    expect(
      expectOk(SessionWallet, { ...base, walletEventType: 'PresentationWalletEvent', walletId: 'w-1', verifierId: 'did:web:verifier' }).subject,
    ).toBe('w-1');
  });

  it('keys long DIDs by their sha-256', () => {
    const longDid = `did:jwk:${'e'.repeat(400)}`;
    const key = didSessionKey(longDid);
    expect(key).toMatch(/^did-sha256:[0-9a-f]{64}$/);
    expect(didSessionKey(longDid)).toBe(key);
    expect(expectOk(SessionDid, { ...base, didEventType: 'Create', didMethod: 'jwk', did: longDid }).subject).toBe(key);
  });

  it('rejects an unknown status, a missing action and an unknown wallet event type', () => {
    const verification = { ...base, sessionId: 's-1', format: 'vc+sd-jwt', signatureAlgorithm: 'ES256' };
    expectInvalid(SessionVerification, { ...verification, status: { type: 'Done' } }, 'status.type');
    expectInvalid(SessionVerification, { ...verification, action: undefined }, 'action');
    expectInvalid(SessionVerification, { ...verification, action: 'init_session' }, 'action');
    expectInvalid(SessionKey, { ...base, keyEventType: 'Delete', keyAlgorithm: 'Ed25519', keyId: 'k-1' }, 'keyEventType');
    expectInvalid(SessionWallet, { ...base, walletEventType: 'WalletEvent', walletId: 'w-1' }, 'walletEventType');
  });
});
