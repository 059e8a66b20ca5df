import { CredentialSchemaCreated, EVENT_REGISTRY, validateEvent } from '@cep/contracts';
import { EventFactory, InvalidEventError } from './event-factory';

const factory = new EventFactory({ source: 'urn:acme:issuer', now: () => new Date('2026-01-02T03:04:05.000Z') });
const ctx = { organisationId: 'org-1', correlationId: 'corr-1' };
const data = {
  schemaId: '01890a5d-ac96-774b-bcce-b302099a8057',
  name: 'Badge',
  profile: 'jwt-vc' as const,
  credentialType: 'VerifiedEmployee',
  claimNames: ['name'],
  actorProfileId: 'alice',
};

describe('EventFactory', () => {
  it('given valid data, when built, then a complete envelope a consumer accepts', () => {
    const e = factory.build(CredentialSchemaCreated, data, ctx);
    expect(e).toMatchObject({ type: 'credential-schema.created', subject: data.schemaId, organisationid: 'org-1', time: '2026-01-02T03:04:05.000Z' });
    expect(validateEvent(JSON.parse(JSON.stringify(e)), EVENT_REGISTRY).ok).toBe(true);
  });
  it('given invalid data, when built, then InvalidEventError with the field', () => {
    expect(() => factory.build(CredentialSchemaCreated, { ...data, profile: 'pdf' as never }, ctx)).toThrow(InvalidEventError);
    try {
      factory.build(CredentialSchemaCreated, { ...data, profile: 'pdf' as never }, ctx);
    } catch (e) {
      expect((e as InvalidEventError).problems[0]).toMatch(/^profile: /);
    }
  });
});
