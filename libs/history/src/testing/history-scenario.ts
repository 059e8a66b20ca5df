import { randomUUID } from 'crypto';
import {
  BackupCreated,
  buildEvent,
  CredentialAccepted,
  CredentialCreated,
  CredentialOffered,
  CredentialPending,
  CredentialSchemaCreated,
  CredentialShared,
  DidCreated,
  InteractionSucceeded,
  KeyCreated,
  OrganisationCreated,
  ProofAccepted,
  ProofClaimsRemoved,
  ProofCreated,
  ProofRequested,
  ProofSchemaCreated,
  ProofShared,
  ProviderCreated,
  SessionVerification,
  TrustAnchorCreated,
  TrustEntityCreated,
  type CredentialCreatedData,
  type EventDefinition,
  type EventEnvelope,
} from '@cep/contracts';

/**
 * A contract-valid history scenario for one organisation, shaped after the examples of seed 003:
 * - schema S1 with credential C1 (CREATED, PENDING, SHARED, OFFERED, ACCEPTED), issued by DID D1;
 * - schema S2 with credential C2, presented in proof P (verifier DID V, proof schema PS): CREATED, REQUESTED,
 *   SHARED (with a unique claim value), ACCEPTED, then CLAIMS_REMOVED (when `withPurge`);
 * - a Bridge provider with a login interaction, a key, the organisation, a trust anchor and entity, a backup,
 *   and a verification session.
 * Event times are `start + i seconds` in list order.
 */
export function historyScenario(org: string, start = new Date('2025-03-06T08:25:00.000Z'), opts: { withPurge?: boolean } = {}) {
  const ids = {
    s1: randomUUID(),
    s2: randomUUID(),
    c1: randomUUID(),
    c2: randomUUID(),
    d1: randomUUID(),
    holder: randomUUID(),
    v: randomUUID(),
    ps: randomUUID(),
    p: randomUUID(),
    provider: randomUUID(),
    interaction: randomUUID(),
    key: randomUUID(),
    anchor: randomUUID(),
    entity: randomUUID(),
    backup: randomUUID(),
    session: randomUUID(),
  };
  const secretClaim = `purge-me-${randomUUID().slice(0, 8)}`;
  const issuerDid = { id: ids.d1, did: `did:key:z6MkIssuer${ids.d1.slice(0, 8)}`, name: 'Motor Vehicle Office' };
  const holderDid = { id: ids.holder, did: `did:key:z6MkHolder${ids.holder.slice(0, 8)}`, name: 'Holder' };
  const verifierDid = { id: ids.v, did: `did:web:verifier-${ids.v.slice(0, 8)}.example`, name: 'Border Control' };
  const events: EventEnvelope[] = [];
  let i = 0;
  const add = <T extends string, P extends object>(def: EventDefinition<T, P>, data: P) => {
    const e = buildEvent(def, data, {
      organisationId: org,
      correlationId: randomUUID(),
      source: 'urn:cep:test',
      time: new Date(start.getTime() + i++ * 1000),
    });
    events.push(e);
    return e;
  };
  const credential = (id: string, schemaId: string, schemaName: string, claims: { name: string; value?: string }[]): CredentialCreatedData => ({
    credentialId: id,
    name: schemaName,
    schemaId,
    schemaName,
    profile: 'sd-jwt-vc',
    credentialType: 'IdentityCredential',
    issuerDid,
    holderDid,
    activityId: randomUUID(),
    actorProfileId: 'tester',
    claims,
    recipient: { type: 'email', identifier: 'holder@example.com' },
    source: 'send',
    offerExpiresAt: '2026-12-31T00:00:00.000Z',
  });
  const stateOf = (c: CredentialCreatedData) => {
    const { claims: _c, offerExpiresAt: _o, ...rest } = c;
    return rest;
  };

  add(OrganisationCreated, { id: org, name: 'Acme', actorProfileId: 'tester' });
  add(KeyCreated, { keyId: ids.key, name: 'issuer key', keyType: 'EDDSA', storageType: 'INTERNAL', actorProfileId: 'tester' });
  const didCreated = add(DidCreated, { didId: ids.d1, did: issuerDid.did, name: issuerDid.name, method: 'KEY', keyIds: [ids.key], actorProfileId: 'tester' });
  add(DidCreated, { didId: ids.v, did: verifierDid.did, name: verifierDid.name, method: 'WEB', keyIds: [ids.key], actorProfileId: 'tester' });
  const s1Created = add(CredentialSchemaCreated, {
    schemaId: ids.s1,
    name: 'Driving licence',
    profile: 'sd-jwt-vc',
    credentialType: 'IdentityCredential',
    claimNames: ['Birthdate', 'family_name'],
    actorProfileId: 'tester',
  });
  const c1 = credential(ids.c1, ids.s1, 'Driving licence', [
    { name: 'Birthdate', value: '1990-01-01' },
    { name: 'family_name', value: 'Doe' },
  ]);
  const c1Events = [
    add(CredentialCreated, c1),
    add(CredentialPending, stateOf(c1)),
    add(CredentialShared, stateOf(c1)),
    add(CredentialOffered, stateOf(c1)),
    add(CredentialAccepted, stateOf(c1)),
  ];
  add(CredentialSchemaCreated, {
    schemaId: ids.s2,
    name: 'Residence permit',
    profile: 'mdoc',
    credentialType: 'Residence',
    claimNames: ['permit_number'],
    actorProfileId: 'tester',
  });
  const c2 = credential(ids.c2, ids.s2, 'Residence permit', [{ name: 'permit_number', value: 'RP-12345' }]);
  add(CredentialCreated, c2);
  add(CredentialAccepted, stateOf(c2));
  add(ProofSchemaCreated, { proofSchemaId: ids.ps, name: 'Border check', credentialSchemaIds: [ids.s2], claimNames: ['permit_number'], actorProfileId: 'tester' });
  const proofBase = { proofId: ids.p, name: 'Border check', proofSchemaId: ids.ps, proofSchemaName: 'Border check', verifierDid, actorProfileId: 'tester' };
  const presented = { ...proofBase, holderDid, credentials: [{ credentialId: ids.c2, schemaId: ids.s2 }] };
  const proofEvents = [
    add(ProofCreated, proofBase),
    add(ProofRequested, proofBase),
    add(ProofShared, { ...presented, claims: [{ name: 'permit_number', value: secretClaim }] }),
    add(ProofAccepted, { ...presented, claims: [{ name: 'permit_number', value: secretClaim }] }),
  ];
  const claimsRemoved = buildEvent(ProofClaimsRemoved, { ...proofBase, credentials: presented.credentials }, {
    organisationId: org,
    correlationId: randomUUID(),
    source: 'urn:cep:test',
    time: new Date(start.getTime() + 3_600_000), // an hour later
  });
  if (opts.withPurge !== false) events.push(claimsRemoved);
  add(ProviderCreated, { providerId: ids.provider, name: 'Corporate SSO', issuerUrl: 'https://sso.example.com', source: 'BRIDGE', actorProfileId: 'tester' });
  add(InteractionSucceeded, { interactionId: ids.interaction, providerId: ids.provider, providerName: 'Corporate SSO', subject: 'alice', source: 'BRIDGE' });
  add(TrustAnchorCreated, { trustAnchorId: ids.anchor, name: 'EU list', type: 'SIMPLE_TRUST_LIST', actorProfileId: 'tester' });
  add(TrustEntityCreated, { trustEntityId: ids.entity, name: 'Acme issuer', trustAnchorId: ids.anchor, didId: ids.d1, actorProfileId: 'tester' });
  add(BackupCreated, { backupId: ids.backup, name: 'backup.zip', actorProfileId: 'tester' });
  add(SessionVerification, {
    sessionId: ids.session,
    target: 'acme.verifier',
    action: { type: 'init_session' },
    status: { type: 'Open' },
    format: 'vc+sd-jwt',
    signatureAlgorithm: 'ES256',
    credentialType: 'IdentityCredential',
  });
  // keep chronological order (claims-removed is an hour later)
  events.sort((a, b) => a.time.localeCompare(b.time));
  return { ids, events, c1Events, s1Created, didCreated, proofEvents, claimsRemoved, secretClaim, issuerDid, verifierDid };
}
