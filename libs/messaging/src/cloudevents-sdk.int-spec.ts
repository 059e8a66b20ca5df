import { CloudEvent, Kafka as CloudEventsKafka, type Message } from 'cloudevents';
import type { Consumer } from 'kafkajs';
import { EVENT_REGISTRY, type EventEnvelope } from '@cep/contracts';
import { EventFactory } from '@cep/producer-sdk';
import { CommittedEventSchemas, expectEventually, newOrgId, samplePayload, testKafka, uniqueName } from '@cep/testing';
import { decodeKafkaMessage, headerStrings, toOutgoingMessage } from './cloudevents-kafka';
import { EventPublisher } from './event-publisher';
import { ensureTopics } from './topic-admin';

interface Received {
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

/**
 * A sample of every event type of the catalogue, built through the producer SDK (typed builder, validated as a
 * consumer validates), published by the platform's publisher to a real Kafka topic, read back, and parsed by the
 * official CloudEvents SDK: its Kafka binding, then the `CloudEvent` constructor in strict mode.
 */
describe('every event type through Kafka, read by the official CloudEvents SDK (integration)', () => {
  const kafka = testKafka('cloudevents-sdk');
  const publisher = new EventPublisher(kafka);
  const topic = uniqueName('cep.it.cloudevents');
  const received: Received[] = [];
  let consumer: Consumer;
  const factory = new EventFactory({ source: 'urn:cep:it' });
  const org = newOrgId();
  const events: EventEnvelope[] = EVENT_REGISTRY.all().map((def) =>
    factory.build(def, samplePayload(def), { organisationId: org, correlationId: 'corr-it', causationId: 'cause-it' }),
  );

  beforeAll(async () => {
    await ensureTopics(kafka, [{ topic, numPartitions: 3 }]);
    consumer = kafka.consumer({ groupId: uniqueName('cloudevents-sdk') });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        received.push({ key: message.key?.toString('utf8') ?? null, value: message.value!.toString('utf8'), headers: headerStrings(message.headers) });
      },
    });
    // The wire form producers write (structured content mode), on this test's own topic.
    await publisher.send(events.map((e) => ({ ...toOutgoingMessage(e), topic })));
    await expectEventually(() => expect(received).toHaveLength(events.length), { timeoutMs: 60000 });
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await publisher.disconnect();
  });

  it('built a sample of every event type of the catalogue', () => {
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(EVENT_REGISTRY.all().map((d) => d.type)));
  });

  it.each(EVENT_REGISTRY.all().map((d) => [d.type]))('%s: the SDK Kafka binding reads it and strict validation accepts it', (type) => {
    const sent = events.find((e) => e.type === type)!;
    const m = received.find((r) => r.headers.ce_id === sent.id)!;
    expect(m.key).toBe(sent.subject);
    const ce = CloudEventsKafka.toEvent({ key: m.key ?? undefined, value: m.value, body: m.value, headers: m.headers } as Message) as CloudEvent<unknown>;
    expect(ce.validate()).toBe(true);
    const strict = new CloudEvent({ ...ce }, true);
    expect(strict).toMatchObject({
      specversion: '1.0',
      id: sent.id,
      type: sent.type,
      source: sent.source,
      subject: sent.subject,
      dataschema: sent.dataschema,
      datacontenttype: 'application/json',
      organisationid: org,
      correlationid: 'corr-it',
      causationid: 'cause-it',
      dataversion: sent.dataversion,
    });
    expect(strict.data).toEqual(sent.data);
    expect(new Date(strict.time!).toISOString()).toBe(sent.time);
  });

  it('the SDK binary-mode form of every event is read back by the platform consumer as the same event', () => {
    for (const sent of events) {
      const { data, ...attributes } = sent;
      const binary = CloudEventsKafka.binary(new CloudEvent({ ...attributes, data }, true));
      const headers = Object.fromEntries(Object.entries(binary.headers).map(([k, v]) => [k, Buffer.from(String(v))]));
      const r = decodeKafkaMessage(JSON.stringify(binary.value), headers);
      expect(r).toEqual({ ok: true, event: sent });
    }
  });

  it('every event read back is valid under the committed JSON Schemas', () => {
    const schemas = new CommittedEventSchemas();
    expect(received.flatMap((m) => schemas.problems(JSON.parse(m.value)))).toEqual([]);
  });

  it('old-shape events on a topic (camelCase extension names, no dataschema, credentialType absent) are read back upcast', async () => {
    const oldTopic = uniqueName('cep.it.old-shape');
    await ensureTopics(kafka, [{ topic: oldTopic, numPartitions: 1 }]);
    const revoked = events.find((e) => e.type === 'credential.revoked')!;
    const { organisationid, correlationid, causationid, dataschema: _d, data, ...rest } = revoked;
    const { credentialType: _c, ...withoutType } = data as Record<string, unknown>;
    // As written before the CloudEvents naming rule: a JSON value and no CloudEvents headers at all.
    const old = { ...rest, organisationId: organisationid, correlationId: correlationid, causationId: causationid, data: withoutType };
    await publisher.send([{ topic: oldTopic, key: revoked.subject, value: JSON.stringify(old), headers: {} }]);
    const replay = kafka.consumer({ groupId: uniqueName('old-shape') });
    const read: Received[] = [];
    await replay.connect();
    try {
      await replay.subscribe({ topic: oldTopic, fromBeginning: true });
      await replay.run({ eachMessage: async ({ message }) => void read.push({ key: null, value: message.value!.toString('utf8'), headers: headerStrings(message.headers) }) });
      await expectEventually(() => expect(read).toHaveLength(1), { timeoutMs: 60000 });
    } finally {
      await replay.disconnect();
    }
    const r = decodeKafkaMessage(read[0].value, {});
    if (!r.ok) throw new Error(`${r.reason}: ${r.error}`);
    expect(r.event).toEqual({ ...revoked, data: withoutType });
    expect(r.event).not.toHaveProperty('organisationId');
    // …and, upcast, it is an event the official SDK accepts
    const { data: upcastData, ...attributes } = r.event;
    expect(new CloudEvent({ ...attributes, data: upcastData }, true).organisationid).toBe(org);
  });

  it('the SDK rejects what CloudEvents forbids (the check can fail): an uppercase extension name', () => {
    const { data, ...attributes } = events[0];
    expect(() => new CloudEvent({ ...attributes, data, organisationId: org }, true)).toThrow();
  });
});
