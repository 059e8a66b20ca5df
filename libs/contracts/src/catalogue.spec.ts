import { getMetadataStorage } from 'class-validator';
import {
  EVENT_DEFINITIONS,
  EVENT_REGISTRY,
  HISTORY_ACTIONS,
  HISTORY_ENTITY_FIELDS,
  HISTORY_ENTITY_TYPES,
  HISTORY_MAPPING,
  historyFactsOf,
  type DomainEventType,
  type HistoryMapping,
} from './catalogue';
import { buildEvent } from './event-builder';
import { BRIDGE_EVENTS } from './events/bridge.events';
import { CREDENTIAL_SCHEMA_EVENTS } from './events/credential-schema.events';
import { CREDENTIAL_EVENTS } from './events/credential.events';
import { IDENTITY_EVENTS } from './events/identity.events';
import { PROOF_EVENTS } from './events/proof.events';
import { SESSION_EVENTS } from './events/session.events';
import { WALLET_EVENTS } from './events/wallet.events';
import { TOPICS } from './topics';

// Compile-time guarantee (checked by `tsc`): a mapping table missing an event type does not type-check.
// @ts-expect-error every DomainEventType needs a history mapping (or an explicit null)
const _incomplete: Record<DomainEventType, HistoryMapping | null> = { 'credential.created': { entityType: 'CREDENTIAL', action: 'CREATED' } };

const propertiesOf = (cls: abstract new (...args: never[]) => unknown) =>
  new Set(getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false).map((m) => m.propertyName));

describe('catalogue', () => {
  it('registers every bounded context on its topic', () => {
    const contexts: [readonly { type: string; topic: string }[], string][] = [
      [CREDENTIAL_EVENTS, TOPICS.credentials],
      [CREDENTIAL_SCHEMA_EVENTS, TOPICS.credentials],
      [PROOF_EVENTS, TOPICS.proofs],
      [IDENTITY_EVENTS, TOPICS.identity],
      [BRIDGE_EVENTS, TOPICS.bridge],
      [WALLET_EVENTS, TOPICS.wallet],
      [SESSION_EVENTS, TOPICS.sessions],
    ];
    for (const [list, topic] of contexts) {
      expect(list.length).toBeGreaterThan(0);
      for (const d of list) {
        expect(EVENT_REGISTRY.get(d.type)).toBe(d);
        expect(d.topic).toBe(topic);
      }
    }
    expect(EVENT_REGISTRY.all()).toHaveLength(contexts.reduce((n, [l]) => n + l.length, 0));
    for (const topic of Object.values(TOPICS)) expect(EVENT_REGISTRY.forTopic(topic).length).toBeGreaterThan(0);
  });

  it('names types `<entity>.<fact>` in kebab-case, with a description, consumers and a positive version', () => {
    for (const d of EVENT_DEFINITIONS) {
      expect(d.type).toMatch(/^[a-z]+(-[a-z]+)*\.[a-z]+(-[a-z]+)*$/);
      expect(d.description.length).toBeGreaterThan(10);
      expect(d.usedBy.length).toBeGreaterThan(0);
      expect(Number.isInteger(d.version) && d.version >= 1).toBe(true);
      for (let v = 1; v < d.version; v++) expect(typeof d.upcasters?.[v]).toBe('function');
    }
  });

  it('computes every key from a field the payload declares', () => {
    for (const d of EVENT_DEFINITIONS) {
      const read: string[] = [];
      const probe = new Proxy({}, { get: (_t, p) => (typeof p === 'string' && read.push(p), 'x') });
      (d.key as (data: unknown) => string)(probe);
      expect(read.length).toBeGreaterThan(0);
      for (const field of read) expect([d.type, propertiesOf(d.payload).has(field)]).toEqual([d.type, true]);
    }
  });
});

describe('history mapping', () => {
  it('covers exactly the registered types', () => {
    expect(Object.keys(HISTORY_MAPPING).sort()).toEqual(EVENT_REGISTRY.all().map((d) => d.type).sort());
  });

  it('maps a type iff it is used by history, to a known entity type and action', () => {
    for (const d of EVENT_DEFINITIONS) {
      const m = HISTORY_MAPPING[d.type];
      expect([d.type, m !== null]).toEqual([d.type, d.usedBy.includes('history')]);
      if (m) {
        expect(HISTORY_ENTITY_TYPES).toContain(m.entityType);
        expect(HISTORY_ACTIONS).toContain(m.action);
      }
    }
  });

  it('finds the entity id and name fields in every mapped payload', () => {
    for (const d of EVENT_DEFINITIONS) {
      const m = HISTORY_MAPPING[d.type];
      if (!m) continue;
      const props = propertiesOf(d.payload);
      const f = HISTORY_ENTITY_FIELDS[m.entityType];
      expect([d.type, props.has(f.id), props.has(f.name)]).toEqual([d.type, true, true]);
    }
  });

  it('records every action of the seed\'s "What\'s recorded" table', () => {
    const seedTable: Record<string, string[]> = {
      CREDENTIAL: ['ACCEPTED', 'CREATED', 'DELETED', 'OFFERED', 'PENDING', 'REJECTED', 'REVOKED', 'SHARED', 'SUSPENDED'],
      PROOF: ['ACCEPTED', 'CLAIMS_REMOVED', 'CREATED', 'ERRORED', 'PENDING', 'REJECTED', 'REQUESTED', 'RETRACTED', 'SHARED'],
      KEY: ['CREATED'],
      DID: ['CREATED', 'DEACTIVATED'],
      CREDENTIAL_SCHEMA: ['CREATED', 'DELETED', 'SHARED'],
      PROOF_SCHEMA: ['CREATED', 'DELETED', 'SHARED'],
      ORGANISATION: ['CREATED'],
      TRUST_ANCHOR: ['CREATED', 'DELETED'],
      TRUST_ENTITY: ['ACTIVATED', 'CREATED', 'REMOVED', 'WITHDRAWN'],
      BACKUP: ['CREATED', 'RESTORED'],
      PROVIDER: ['CLIENT_SECRET_REGENERATED', 'CREATED', 'DELETED', 'UPDATED'],
      INTERACTION: ['ERRORED', 'SUCCEEDED'],
    };
    const produced = new Set(Object.values(HISTORY_MAPPING).flatMap((m) => (m ? [`${m.entityType}/${m.action}`] : [])));
    for (const [entity, actions] of Object.entries(seedTable)) {
      for (const action of actions) expect(produced).toContain(`${entity}/${action}`);
    }
    expect(new Set(HISTORY_ENTITY_TYPES)).toEqual(new Set(Object.keys(seedTable)));
  });

  it('maps the credential events as their descriptions say', () => {
    for (const d of CREDENTIAL_EVENTS) {
      const m = HISTORY_MAPPING[d.type]!;
      expect(d.description).toContain(`history ${m.action}`);
    }
  });

  describe('historyFactsOf', () => {
    const meta = { organisationId: 'org-1', correlationId: 'c', source: 'urn:cep:test', time: new Date('2025-03-06T08:25:44.619Z') };

    it('uses interactionId (not the providerId key) and source BRIDGE for interactions', () => {
      const def = EVENT_REGISTRY.get('interaction.errored')!;
      const e = buildEvent(def, { interactionId: 'i-1', providerId: 'p-1', providerName: 'Azure AD', error: 'x', source: 'BRIDGE' } as never, meta);
      expect(e.subject).toBe('p-1');
      expect(historyFactsOf(e)).toEqual({ entityType: 'INTERACTION', action: 'ERRORED', entityId: 'i-1', name: 'Azure AD', source: 'BRIDGE' });
    });

    it('is CORE for core entities and null for session events', () => {
      const schema = EVENT_REGISTRY.get('credential-schema.created')!;
      const e = buildEvent(schema, { schemaId: 's-1', name: 'Badge' } as never, meta);
      expect(historyFactsOf(e)).toEqual({ entityType: 'CREDENTIAL_SCHEMA', action: 'CREATED', entityId: 's-1', name: 'Badge', source: 'CORE' });
      const session = EVENT_REGISTRY.get('session.verification')!;
      expect(historyFactsOf(buildEvent(session, { sessionId: 's' } as never, meta))).toBeNull();
    });
  });
});
