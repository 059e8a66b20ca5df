import { EVENT_REGISTRY } from './catalogue';
import { buildEvent } from './event-builder';
import { KeyCreated, upcastKeyCreatedV1 } from './events/identity.events';
import { EventRegistry } from './registry';
import { parseEvent, validateEvent } from './validation';

const KEY_ID = '0195f1a2-7c3b-7d4e-8f60-123456789abc';

const meta = {
  organisationId: '2476ebaa-0108-413d-aa72-c2a6babd423f',
  correlationId: 'corr-1',
  source: 'urn:cep:issuer',
  time: new Date('2025-03-06T08:25:29.826Z'),
};

const keyV2 = { keyId: KEY_ID, name: 'Signing key', keyType: 'EDDSA', storageType: 'INTERNAL', actorProfileId: 'admin' };

/**
 * A `key.created` message as a v1 producer wrote it: `algorithm`, `dataversion: 1`, no `dataschema`, and the
 * envelope attribute names of that time (`organisationId`, `correlationId`).
 */
function keyV1Message(overrides: Record<string, unknown> = {}) {
  const { keyType, ...rest } = keyV2;
  const { dataschema: _schema, organisationid, correlationid, ...envelope } = buildEvent(KeyCreated, keyV2, meta);
  return { ...envelope, organisationId: organisationid, correlationId: correlationid, dataversion: 1, data: { ...rest, algorithm: keyType }, ...overrides };
}

describe('upcasting (key.created v1 → v2)', () => {
  it('is at version 2 with an upcaster from v1', () => {
    expect(KeyCreated.version).toBe(2);
    expect(typeof KeyCreated.upcasters?.[1]).toBe('function');
  });

  it('upcasts a v1 message: `algorithm` becomes `keyType`, the version becomes 2', () => {
    const r = parseEvent(JSON.stringify(keyV1Message()), EVENT_REGISTRY);
    if (!r.ok) throw new Error(`${r.reason}: ${r.error}`);
    expect(r.event.dataversion).toBe(2);
    expect(r.event.dataschema).toBe('urn:cep:schema:key.created:v2');
    expect(r.event).toMatchObject({ organisationid: meta.organisationId, correlationid: 'corr-1' });
    expect(r.event).not.toHaveProperty('organisationId');
    expect(r.event.data).toEqual(keyV2);
    expect(r.event.data).not.toHaveProperty('algorithm');
  });

  it('validates the upcast payload (a v1 message without algorithm is invalid)', () => {
    const msg = keyV1Message();
    delete (msg.data as Record<string, unknown>).algorithm;
    const r = validateEvent(msg, EVENT_REGISTRY);
    expect(r).toMatchObject({ ok: false, reason: 'invalid_payload', type: 'key.created' });
    expect(!r.ok && r.error).toContain('keyType');
  });

  it('the upcaster is pure', () => {
    const v1 = { keyId: KEY_ID, algorithm: 'ECDSA' };
    const copy = structuredClone(v1);
    expect(upcastKeyCreatedV1(v1)).toEqual({ keyId: KEY_ID, keyType: 'ECDSA' });
    expect(v1).toEqual(copy);
  });

  it('accepts a current (v2) message unchanged', () => {
    const r = parseEvent(JSON.stringify(buildEvent(KeyCreated, keyV2, meta)), EVENT_REGISTRY);
    expect(r.ok && r.event.data).toEqual(keyV2);
  });
});

describe('rejection reasons', () => {
  it('unknown type', () => {
    const msg = { ...buildEvent(KeyCreated, keyV2, meta), type: 'key.exploded' };
    expect(validateEvent(msg, EVENT_REGISTRY)).toMatchObject({ ok: false, reason: 'unknown_type', type: 'key.exploded', id: msg.id });
  });

  it('newer version than supported', () => {
    const msg = { ...buildEvent(KeyCreated, keyV2, meta), dataversion: 3 };
    const r = validateEvent(msg, EVENT_REGISTRY);
    expect(r).toMatchObject({ ok: false, reason: 'unsupported_version', type: 'key.created' });
    expect(!r.ok && r.error).toContain('v3 is newer than supported v2');
  });

  it('older version without an upcaster', () => {
    const withoutUpcasters = new EventRegistry([{ ...KeyCreated, upcasters: undefined }]);
    const r = validateEvent(keyV1Message(), withoutUpcasters);
    expect(r).toMatchObject({ ok: false, reason: 'unsupported_version', type: 'key.created' });
    expect(!r.ok && r.error).toContain('no upcaster for key.created v1');
  });

  it('malformed JSON and tombstones', () => {
    expect(parseEvent('{"specversion":"1.0",', EVENT_REGISTRY)).toMatchObject({ ok: false, reason: 'malformed_json' });
    expect(parseEvent(Buffer.from('not json'), EVENT_REGISTRY)).toMatchObject({ ok: false, reason: 'malformed_json' });
    expect(parseEvent(null, EVENT_REGISTRY)).toMatchObject({ ok: false, reason: 'malformed_json' });
  });

  it('invalid envelope', () => {
    const msg = { ...buildEvent(KeyCreated, keyV2, meta), time: 'yesterday' };
    expect(validateEvent(msg, EVENT_REGISTRY)).toMatchObject({ ok: false, reason: 'invalid_envelope' });
    expect(validateEvent([], EVENT_REGISTRY)).toMatchObject({ ok: false, reason: 'invalid_envelope' });
  });

  it('key mismatch: the subject is not the aggregate id', () => {
    const msg = { ...buildEvent(KeyCreated, keyV2, meta), subject: '00000000-0000-4000-8000-000000000000' };
    const r = validateEvent(msg, EVENT_REGISTRY);
    expect(r).toMatchObject({ ok: false, reason: 'key_mismatch', type: 'key.created' });
    expect(!r.ok && r.error).toContain(KEY_ID);
  });

  it('key mismatch on an upcast v1 message', () => {
    const r = validateEvent(keyV1Message({ subject: 'someone-else' }), EVENT_REGISTRY);
    expect(r).toMatchObject({ ok: false, reason: 'key_mismatch' });
  });

  it('Bridge interactions must be keyed by providerId, not interactionId', () => {
    const data = {
      interactionId: '00000000-0000-4000-8000-000000000031',
      providerId: '00000000-0000-4000-8000-000000000030',
      providerName: 'Azure AD',
      source: 'BRIDGE',
    };
    const built = buildEvent(EVENT_REGISTRY.get('interaction.succeeded')!, data, meta);
    expect(validateEvent(built, EVENT_REGISTRY).ok).toBe(true);
    expect(validateEvent({ ...built, subject: data.interactionId }, EVENT_REGISTRY)).toMatchObject({ ok: false, reason: 'key_mismatch' });
  });
});

describe('CloudEvents attribute names and dataschema', () => {
  const current = () => buildEvent(KeyCreated, keyV2, meta) as unknown as Record<string, unknown>;

  it('builds lowercase extension names and the dataschema of the current version', () => {
    const e = current();
    expect(Object.keys(e).filter((k) => !/^[a-z0-9]+$/.test(k))).toEqual([]);
    expect(e).toMatchObject({ organisationid: meta.organisationId, correlationid: 'corr-1', dataschema: 'urn:cep:schema:key.created:v2' });
  });

  it('upcasts the legacy camelCase names of a current-version event (causationId too)', () => {
    const { organisationid, correlationid, ...rest } = current();
    const r = validateEvent({ ...rest, organisationId: organisationid, correlationId: correlationid, causationId: 'cause-1' }, EVENT_REGISTRY);
    if (!r.ok) throw new Error(r.error);
    expect(r.event).toMatchObject({ organisationid: meta.organisationId, correlationid: 'corr-1', causationid: 'cause-1' });
    expect(Object.keys(r.event).filter((k) => !/^[a-z0-9]+$/.test(k))).toEqual([]);
  });

  it('prefers the current name when a message carries both', () => {
    const r = validateEvent({ ...current(), organisationId: 'someone-else' }, EVENT_REGISTRY);
    expect(r.ok && r.event.organisationid).toBe(meta.organisationId);
  });

  it('rejects other attribute names that are not lowercase alphanumerics', () => {
    const r = validateEvent({ ...current(), traceParent: 'x', 'my-ext': 'y' }, EVENT_REGISTRY);
    expect(r).toMatchObject({ ok: false, reason: 'invalid_envelope' });
    expect(!r.ok && r.error).toContain('"traceParent", "my-ext"');
  });

  it('rejects a dataschema that is not the schema of the declared type and version', () => {
    const r = validateEvent({ ...current(), dataschema: 'urn:cep:schema:key.created:v1' }, EVENT_REGISTRY);
    expect(r).toMatchObject({ ok: false, reason: 'invalid_envelope', type: 'key.created' });
  });

  it('requires the tenant under either name', () => {
    const { organisationid: _o, ...rest } = current();
    expect(validateEvent(rest, EVENT_REGISTRY)).toMatchObject({ ok: false, reason: 'invalid_envelope' });
  });
});

describe('credentialType on credential status events', () => {
  const state = {
    credentialId: '0195f1a2-7c3b-7d4e-8f60-123456789abd',
    name: 'Licence',
    schemaId: '0195f1a2-7c3b-7d4e-8f60-123456789abe',
    schemaName: 'Licence',
    profile: 'mdoc',
    credentialType: 'org.iso.18013.5.1.mDL',
    issuerDid: { id: '0195f1a2-7c3b-7d4e-8f60-123456789abf', did: 'did:key:z6Mk' },
    activityId: '0195f1a2-7c3b-7d4e-8f60-123456789ac0',
    actorProfileId: 'admin',
    recipient: { type: 'email', identifier: 'a@example.com' },
    source: 'send',
  } as const;
  const without = (type: string) => {
    const def = EVENT_REGISTRY.get(type)!;
    const e = buildEvent(def, { ...state }, meta) as unknown as { data: Record<string, unknown> };
    delete e.data.credentialType;
    return validateEvent(JSON.parse(JSON.stringify(e)), EVENT_REGISTRY);
  };

  it.each(['credential.revoked', 'credential.suspended', 'credential.reactivated'])('%s is valid without it', (type) => {
    expect(without(type)).toMatchObject({ ok: true });
  });

  it('is still required where a read model groups by it (credential.accepted: reports `issued`)', () => {
    expect(without('credential.accepted')).toMatchObject({ ok: false, reason: 'invalid_payload' });
  });
});
