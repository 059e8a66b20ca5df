import { buildEvent, CredentialSchemaCreated, EVENT_REGISTRY, validateEvent } from '@cep/contracts';
import { assertValidEvents, EventFactory, InvalidEventError } from './event-factory';

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

describe('assertValidEvents: event time', () => {
  const at = (iso: string) => new EventFactory({ source: 'urn:acme:issuer', now: () => new Date(iso) });
  const now = new Date('2026-06-01T12:00:00.000Z');

  it('given an event stamped more than 5 minutes after the clock, then InvalidEventError naming time', () => {
    const e = at('2026-06-01T12:05:01.000Z').build(CredentialSchemaCreated, data, ctx);
    expect(() => assertValidEvents([e], EVENT_REGISTRY, now)).toThrow(InvalidEventError);
    try {
      assertValidEvents([e], EVENT_REGISTRY, now);
    } catch (err) {
      expect((err as InvalidEventError).problems).toEqual([expect.stringMatching(/^time: must not be more than 5 minutes in the future/)]);
    }
    const far = buildEvent(CredentialSchemaCreated, data, { ...ctx, source: 'urn:acme:issuer', time: new Date('2099-01-01T00:00:00.000Z') });
    expect(() => assertValidEvents([far], EVENT_REGISTRY, now)).toThrow(/time: /);
  });

  it('given an event within the skew or in the past, then accepted', () => {
    for (const t of ['2026-06-01T12:05:00.000Z', '2026-06-01T12:00:00.000Z', '2020-01-01T00:00:00.000Z']) {
      expect(() => assertValidEvents([at(t).build(CredentialSchemaCreated, data, ctx)], EVENT_REGISTRY, now)).not.toThrow();
    }
  });

  it('given a factory whose clock runs ahead of the system clock, when built, then refused', () => {
    expect(() => at(new Date(Date.now() + 3600_000).toISOString()).build(CredentialSchemaCreated, data, ctx)).toThrow(/time: must not be/);
  });
});
