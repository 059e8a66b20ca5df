import { CloudEvent, Kafka, type Message } from 'cloudevents';
import { buildEvent, CredentialRevoked, type EventEnvelope } from '@cep/contracts';
import { credentialCreatedData } from '@cep/testing';
import { deadLetterValue, decodeKafkaMessage, headerStrings, toOutgoingMessage } from './cloudevents-kafka';

const ORG = '2476ebaa-0108-413d-aa72-c2a6babd423f';

function revoked(): EventEnvelope {
  const { claims: _c, offerExpiresAt: _o, ...state } = credentialCreatedData();
  return buildEvent(CredentialRevoked, { ...state, reason: 'lost' }, { organisationId: ORG, correlationId: 'corr-1', causationId: 'cause-1', source: 'urn:cep:issuer', time: new Date('2026-03-01T10:00:00Z') });
}

/** kafkajs delivers header values as Buffers. */
function asKafkajs(headers: Record<string, unknown>): Record<string, Buffer> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(String(v))]));
}

describe('CloudEvents Kafka binding', () => {
  it('given an outgoing message, when the official SDK reads it, then it is a valid structured event with our attributes', () => {
    const event = revoked();
    const out = toOutgoingMessage(event);
    const ce = Kafka.toEvent({ key: out.key, value: out.value, headers: out.headers, body: out.value } as Message) as CloudEvent<unknown>;
    expect(ce.validate()).toBe(true);
    expect(new CloudEvent({ ...ce }, true).id).toBe(event.id);
    expect(ce).toMatchObject({ organisationid: ORG, correlationid: 'corr-1', causationid: 'cause-1', dataversion: 1, dataschema: 'urn:cep:schema:credential.revoked:v1' });
    expect(ce.data).toEqual(event.data);
  });

  it('given an SDK binary-mode message, when decoded, then it is the same event as the structured one', () => {
    const event = revoked();
    const { data, ...attributes } = event;
    const ce = new CloudEvent({ ...attributes, data, partitionkey: event.subject }, true);
    const m = Kafka.binary(ce);
    const r = decodeKafkaMessage(JSON.stringify(m.value), asKafkajs(m.headers));
    if (!r.ok) throw new Error(`${r.reason}: ${r.error}`);
    expect(r.event).toEqual(event);
  });

  it('given an SDK structured-mode message, when decoded, then it is accepted', () => {
    const event = revoked();
    const m = Kafka.structured(new CloudEvent({ ...event }, true));
    const r = decodeKafkaMessage(m.value as string, asKafkajs(m.headers));
    expect(r.ok && r.event).toEqual(event);
  });

  it('reads a message with no CloudEvents headers as structured (messages written before the headers existed)', () => {
    const event = revoked();
    expect(decodeKafkaMessage(JSON.stringify(event), undefined)).toMatchObject({ ok: true, event });
  });

  it('rejects binary data that is not JSON, a datacontenttype other than JSON, and batched mode, with reasons', () => {
    const event = revoked();
    const headers = asKafkajs({ ce_specversion: '1.0', ce_id: event.id, ce_type: event.type, 'content-type': 'application/json' });
    expect(decodeKafkaMessage('{not json', headers)).toMatchObject({ ok: false, reason: 'malformed_json', id: event.id });
    expect(decodeKafkaMessage('{}', { ...headers, 'content-type': Buffer.from('text/plain') })).toMatchObject({ ok: false, reason: 'invalid_envelope' });
    expect(decodeKafkaMessage('[]', { 'content-type': Buffer.from('application/cloudevents-batch+json') })).toMatchObject({
      ok: false,
      reason: 'invalid_envelope',
    });
  });

  it('dead-letters a binary message in structured form (every attribute kept) and a structured one unchanged', () => {
    const event = revoked();
    const { data, ...attributes } = event;
    const m = Kafka.binary(new CloudEvent({ ...attributes, data }, true));
    const value = deadLetterValue(JSON.stringify(m.value), asKafkajs(m.headers));
    expect(decodeKafkaMessage(value, undefined)).toMatchObject({ ok: true, event });
    const structured = toOutgoingMessage(event);
    expect(deadLetterValue(structured.value, asKafkajs(structured.headers))).toBe(structured.value);
  });

  it('normalises header names and values', () => {
    expect(headerStrings({ 'Content-Type': Buffer.from('a'), ce_id: [Buffer.from('x'), Buffer.from('y')], skip: undefined })).toEqual({ 'content-type': 'a', ce_id: 'x' });
  });
});
