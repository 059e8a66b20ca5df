import { randomUUID } from 'crypto';
import { buildEvent, CredentialCreated, CredentialOffered, type CredentialCreatedData, type EventEnvelope } from '@cep/contracts';

/** Builder for a contract-valid `credential.created` payload; override any field. */
export function credentialCreatedData(overrides: Partial<CredentialCreatedData> = {}): CredentialCreatedData {
  return {
    credentialId: randomUUID(),
    name: 'Driving licence',
    schemaId: randomUUID(),
    schemaName: 'Driving licence',
    profile: 'mdoc',
    credentialType: 'org.iso.18013.5.1.mDL',
    issuerDid: { id: randomUUID(), did: 'did:key:z6MkTestIssuer', name: 'Test issuer' },
    activityId: randomUUID(),
    actorProfileId: 'test-actor',
    claims: [{ name: 'family_name', value: 'Doe' }],
    recipient: { type: 'email', identifier: 'holder@example.com' },
    source: 'send',
    offerExpiresAt: '2026-12-31T00:00:00.000Z',
    ...overrides,
  };
}

/** A `credential.created` envelope for an organisation at a given time. */
export function credentialCreatedEvent(organisationId: string, time = new Date(), overrides: Partial<CredentialCreatedData> = {}): EventEnvelope {
  return buildEvent(CredentialCreated, credentialCreatedData(overrides), {
    organisationId,
    correlationId: randomUUID(),
    source: 'urn:cep:test',
    time,
  });
}

/** A `credential.offered` envelope following a created payload. */
export function credentialOfferedEvent(organisationId: string, created: CredentialCreatedData, time = new Date()): EventEnvelope {
  const { claims: _c, offerExpiresAt: _o, ...rest } = created;
  return buildEvent(CredentialOffered, rest, { organisationId, correlationId: randomUUID(), source: 'urn:cep:test', time });
}
