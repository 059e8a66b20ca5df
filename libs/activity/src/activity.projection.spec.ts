import { randomUUID } from 'crypto';
import {
  buildEvent,
  CredentialAccepted,
  CredentialDeliveryFailed,
  CredentialOffered,
  CredentialOfferExpired,
  newEventId,
  WalletCredentialClaimed,
  WalletCredentialReceived,
  type CredentialStateChangedData,
} from '@cep/contracts';
import { decodeCursor, encodeCursor } from './activity-cursor';
import { ActivityError } from './activity.errors';
import { reduceActivities, toActivityRecord } from './activity.projection';
import { claimRate } from './activity-query.service';

const org = 'org-issuer';
function data(recipientType: 'email' | 'phone' | 'profile', activityId = newEventId()): CredentialStateChangedData {
  return {
    credentialId: randomUUID(),
    name: 'Badge',
    schemaId: randomUUID(),
    schemaName: 'Badge',
    profile: 'jwt-vc',
    credentialType: 'Badge',
    issuerDid: { id: randomUUID(), did: 'did:key:z6Mk' },
    activityId,
    actorProfileId: 'issuer-profile',
    recipient: { type: recipientType, identifier: recipientType === 'profile' ? 'did:web:alice' : 'a@example.com' },
    boostUri: 'boost:1',
    integrationId: 'int-1',
    source: 'send',
  };
}
const meta = (time: string, organisationId = org) => ({ organisationId, correlationId: randomUUID(), source: 'urn:test', time: new Date(time) });

describe('activity projection (pure)', () => {
  it('given an email offer, when mapped, then it is CREATED in the issuing org', () => {
    const r = toActivityRecord(buildEvent(CredentialOffered, data('email'), meta('2026-01-01T00:00:00Z')));
    expect(r).toMatchObject({ eventType: 'CREATED', organisationId: org, recipientType: 'email', boostUri: 'boost:1', source: 'send' });
  });

  it('given a profile offer, when mapped, then it is DELIVERED in the issuing org (the issuer delivers to the profile\'s wallet)', () => {
    const r = toActivityRecord(buildEvent(CredentialOffered, data('profile'), meta('2026-01-01T00:00:00Z')));
    expect(r).toMatchObject({ eventType: 'DELIVERED', organisationId: org, recipientType: 'profile' });
  });

  it('given the issuer\'s credential.accepted (a verified claim), when mapped, then it is CLAIMED in the issuer org with the activityId', () => {
    const d = { ...data('email'), actorProfileId: 'holder', source: 'inbox' as const };
    const r = toActivityRecord(buildEvent(CredentialAccepted, d, meta('2026-01-02T00:00:00Z')))!;
    expect(r).toMatchObject({ eventType: 'CLAIMED', organisationId: org, activityId: d.activityId, actorProfileId: 'holder', source: 'inbox' });
  });

  it('given wallet events naming another tenant as issuer, when mapped, then they are not activity events (no tenant from the payload)', () => {
    const victim = 'org-victim';
    for (const def of [WalletCredentialReceived, WalletCredentialClaimed]) {
      for (const type of ['profile', 'email'] as const) {
        const d = { ...data(type), issuerOrganisationId: victim, preAuthorizedCodeHash: 'a'.repeat(64) };
        expect(toActivityRecord(buildEvent(def, d, meta('2026-01-02T00:00:00Z', 'attacker-org')))).toBeNull();
      }
    }
  });

  it('given any event, when mapped, then the record\'s organisation is the envelope\'s', () => {
    for (const def of [CredentialOffered, CredentialAccepted, CredentialOfferExpired, CredentialDeliveryFailed]) {
      const d = { ...data('email'), issuerOrganisationId: 'org-victim' } as CredentialStateChangedData;
      expect(toActivityRecord(buildEvent(def, d, meta('2026-01-02T00:00:00Z', 'org-own')))!.organisationId).toBe('org-own');
    }
  });

  it('given a failure and an expiry, when mapped, then FAILED carries metadata.error and EXPIRED is kept', () => {
    const f = toActivityRecord(buildEvent(CredentialDeliveryFailed, { ...data('phone'), error: 'SMS gateway down' }, meta('2026-01-01T00:00:00Z')))!;
    expect(f.eventType).toBe('FAILED');
    expect(f.metadata).toMatchObject({ error: 'SMS gateway down' });
    expect(toActivityRecord(buildEvent(CredentialOfferExpired, data('email'), meta('2026-01-31T00:00:00Z')))!.eventType).toBe('EXPIRED');
  });

  it('given a claim before its send in one batch, when reduced, then latest is the claim and the send fields win', () => {
    const activityId = newEventId();
    const claim = toActivityRecord(buildEvent(CredentialAccepted, { ...data('email', activityId), boostUri: 'from-claim' }, meta('2026-01-02T00:00:00Z')))!;
    const send = toActivityRecord(buildEvent(CredentialOffered, data('email', activityId), meta('2026-01-01T00:00:00Z')))!;
    const [d] = reduceActivities([claim, send]);
    expect(d).toMatchObject({
      activityId,
      latestEventType: 'CLAIMED',
      eventCount: 2,
      boostUri: 'boost:1',
      sentAt: send.timestamp,
      claimedAt: claim.timestamp,
      startedAt: send.timestamp,
    });
  });

  it('claimRate rounds half up to 2 decimals and is 0 without a denominator', () => {
    expect(claimRate(0, 0, 0)).toBe(0);
    expect(claimRate(2, 0, 1)).toBe(33.33);
    expect(claimRate(1, 1, 1)).toBe(33.33);
    expect(claimRate(1, 0, 2)).toBe(66.67);
    expect(claimRate(7, 0, 1)).toBe(12.5);
    expect(claimRate(1999, 0, 1)).toBe(0.05); // 0.05 exactly
    expect(claimRate(15999, 0, 1)).toBe(0.01); // 0.00625 → 0.01
  });

  it('cursors are opaque and typed: a poll position is not accepted as a page cursor', () => {
    const c = encodeCursor({ k: 't', t: '2026-01-01T00:00:00.123456Z', i: newEventId() });
    expect(decodeCursor(c, 't').t).toBe('2026-01-01T00:00:00.123456Z');
    expect(() => decodeCursor(encodeCursor({ k: 'p', n: '12' }), 't')).toThrow(ActivityError);
    expect(() => decodeCursor('garbage', 'p')).toThrow(ActivityError);
    expect(decodeCursor('0', 'p')).toEqual({ k: 'p', n: '0' });
  });
});
