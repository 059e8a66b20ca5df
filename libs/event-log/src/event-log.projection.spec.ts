import { buildEvent, EVENT_REGISTRY, parseEvent, SessionKey, SessionVerification, SessionWallet, type EventEnvelope } from '@cep/contracts';
import { decodeCursor, encodeCursor, parseStreamEventId } from './event-log-cursor';
import { assertValidFilter, filterSql, GROUP_BY_PATHS } from './event-log-filter';
import { EventLogError } from './event-log.errors';
import { eventLogProjection, toEventLogRow } from './event-log.projection';
import { inPublishedOrder } from './published-order';

/** Seed 001's example, the reference for the published shape (namespace aside: ours is `cep.events`). */
const SEED = {
  type: 'cep.events.VerificationEvent',
  eventType: 'VerificationEvent',
  _id: 'e7a33f7b-024c-4ff7-980b-d47f7ed825e7',
  originator: null,
  organization: 'waltid',
  target: 'waltid.mycustomer.verifier1',
  timestamp: 1741252466353,
  action: { type: 'init_session' },
  status: { type: 'Open' },
  callId: '9c2f6b21-8d99-4a41-8950-66f5aa4485d2',
  error: null,
  sessionId: 'bec96d15-6fe9-4553-a873-82b2ef270b15',
  format: 'vc+sd-jwt',
  signatureAlgorithm: '',
  credentialType: 'identity_credential',
};

function received(e: EventEnvelope): EventEnvelope {
  const r = parseEvent(JSON.stringify(e), EVENT_REGISTRY);
  if (!r.ok) throw new Error(`${r.reason}: ${r.error}`);
  return r.event;
}

const seedEvent = () =>
  received(
    buildEvent(
      SessionVerification,
      {
        target: SEED.target,
        action: { type: 'init_session' },
        status: { type: 'Open' },
        callId: SEED.callId,
        sessionId: SEED.sessionId,
        format: 'vc+sd-jwt',
        signatureAlgorithm: '',
        credentialType: 'identity_credential',
      },
      { id: SEED._id, organisationId: 'waltid', correlationId: 'c', source: 'urn:cep:verifier', time: new Date(SEED.timestamp) },
    ),
  );

describe('toEventLogRow', () => {
  it('given the seed verification event, stores the published shape field for field and the typed filter columns', () => {
    const row = toEventLogRow(seedEvent())!;
    expect(JSON.stringify(row.published)).toBe(JSON.stringify(SEED));
    expect(row).toMatchObject({
      eventId: SEED._id,
      organisationId: 'waltid',
      eventType: 'VerificationEvent',
      tsMs: SEED.timestamp,
      status: 'Open',
      action: 'init_session',
      target: SEED.target,
      originator: null,
      callId: SEED.callId,
      sessionId: SEED.sessionId,
      format: 'vc+sd-jwt',
      credentialType: 'identity_credential',
      signatureAlgorithm: '',
    });
  });

  it('given a key event, the verification-only columns are null', () => {
    const e = received(
      buildEvent(
        SessionKey,
        { target: 'acme.kms', action: { type: 'create_key' }, status: { type: 'Success' }, keyEventType: 'Create', keyAlgorithm: 'Ed25519', keyId: 'k1' },
        { organisationId: 'o', correlationId: 'c', source: 'urn:cep:issuer', time: new Date(1000) },
      ),
    );
    const row = toEventLogRow(e)!;
    expect(row).toMatchObject({ eventType: 'KeyEvent', sessionId: null, format: null, credentialType: null, signatureAlgorithm: null, callId: null });
  });

  it('ignores events that are not session events; the projection handles exactly the session types', () => {
    expect(toEventLogRow({ ...seedEvent(), type: 'credential.created' })).toBeNull();
    expect([...eventLogProjection.handles].sort()).toEqual(['session.did', 'session.issuance', 'session.key', 'session.verification', 'session.wallet']);
  });
});

describe('inPublishedOrder', () => {
  it('restores the published key order after a jsonb round trip (keys sorted by length)', () => {
    const jsonbOrder = Object.fromEntries(Object.entries(SEED).sort(([a], [b]) => a.length - b.length || (a < b ? -1 : 1)));
    expect(JSON.stringify(inPublishedOrder(jsonbOrder))).toBe(JSON.stringify(SEED));
  });

  it('knows the wallet event types', () => {
    const e = received(
      buildEvent(
        SessionWallet,
        { target: 'w', action: { type: 'receive' }, status: { type: 'Open' }, walletEventType: 'PresentationWalletEvent', walletId: 'w1' },
        { organisationId: 'o', correlationId: 'c', source: 'urn:cep:wallet', time: new Date(1000) },
      ),
    );
    const published = toEventLogRow(e)!.published as unknown as Record<string, unknown>;
    const shuffled = Object.fromEntries(Object.entries(published).reverse());
    expect(Object.keys(inPublishedOrder(shuffled))).toEqual(Object.keys(published));
  });
});

describe('filters and cursors', () => {
  it('fromTimestamp after toTimestamp is an error naming fromTimestamp; equal bounds are fine (inclusive)', () => {
    expect(() => assertValidFilter({ fromTimestamp: 2, toTimestamp: 1 })).toThrow(expect.objectContaining({ details: [expect.objectContaining({ param: 'fromTimestamp' })] }));
    expect(() => assertValidFilter({ fromTimestamp: 1, toTimestamp: 1 })).not.toThrow();
  });

  it('builds parameterised SQL, organisation first', () => {
    const { where, params } = filterSql('org', { status: ['Open'], fromTimestamp: 5, signatureAlgorithm: '' });
    expect(where).toBe('organisation_id = $1 AND status = ANY($2::text[]) AND ts_ms >= $3::bigint AND signature_algorithm = $4');
    expect(params).toEqual(['org', ['Open'], '5', '']);
  });

  it('cursor round-trips and rejects tampering', () => {
    const c = { timestamp: 1741252466353, id: SEED._id };
    expect(decodeCursor(encodeCursor(c))).toEqual(c);
    expect(() => decodeCursor('not-a-cursor')).toThrow(EventLogError);
    expect(() => decodeCursor(Buffer.from('{"v":1,"t":"x","i":"y"}').toString('base64url'))).toThrow(EventLogError);
  });

  it('stream resume points are event ids (UUIDs), never sequence numbers', () => {
    expect(parseStreamEventId(' 0193A4F2-7B00-7C11-8D22-3E4F5A6B7C8D ')).toBe('0193a4f2-7b00-7c11-8d22-3e4f5a6b7c8d');
    expect(parseStreamEventId('0')).toBe('0'); // the start of the organisation's log
    for (const raw of ['42', '-1', '00', '99999999999999999999', 'x', '0193a4f2-7b00-7c11-8d22-3e4f5a6b7c8']) expect(() => parseStreamEventId(raw)).toThrow(EventLogError);
  });

  it('groupBy whitelist covers the seed paths', () => {
    for (const p of ['status.type', 'action.type', 'eventType', 'format', 'credentialType', 'target', 'signatureAlgorithm']) {
      expect(GROUP_BY_PATHS[p]).toBeDefined();
    }
  });
});
