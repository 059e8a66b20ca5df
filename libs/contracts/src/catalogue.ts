import type { EventEnvelope } from './envelope';
import { EventRegistry, type EventOf } from './registry';
import { BRIDGE_EVENTS } from './events/bridge.events';
import { CREDENTIAL_SCHEMA_EVENTS } from './events/credential-schema.events';
import { CREDENTIAL_EVENTS } from './events/credential.events';
import { IDENTITY_EVENTS } from './events/identity.events';
import { PROOF_EVENTS } from './events/proof.events';
import { SESSION_EVENTS } from './events/session.events';
import { WALLET_EVENTS } from './events/wallet.events';
import type { HistorySource } from './events/common';

/** Every event type of the platform. Add a bounded context's list here. */
export const EVENT_DEFINITIONS = [
  ...CREDENTIAL_EVENTS,
  ...CREDENTIAL_SCHEMA_EVENTS,
  ...PROOF_EVENTS,
  ...IDENTITY_EVENTS,
  ...BRIDGE_EVENTS,
  ...WALLET_EVENTS,
  ...SESSION_EVENTS,
] as const;

export type DomainEvent = EventOf<(typeof EVENT_DEFINITIONS)[number]>;
export type DomainEventType = DomainEvent['type'];
export type EventByType<T extends DomainEventType> = Extract<DomainEvent, { type: T }>;

export const EVENT_REGISTRY = new EventRegistry(EVENT_DEFINITIONS);

// ---------------------------------------------------------------------------------------------------------------
// History (seed 003, "What's recorded")
// ---------------------------------------------------------------------------------------------------------------

/** History `entityType` values. Session events are not recorded in history (they have their own event log). */
export const HISTORY_ENTITY_TYPES = [
  'CREDENTIAL',
  'CREDENTIAL_SCHEMA',
  'PROOF',
  'PROOF_SCHEMA',
  'KEY',
  'DID',
  'ORGANISATION',
  'TRUST_ANCHOR',
  'TRUST_ENTITY',
  'BACKUP',
  'PROVIDER',
  'INTERACTION',
] as const;
export type HistoryEntityType = (typeof HISTORY_ENTITY_TYPES)[number];

/** History `action` values. */
export const HISTORY_ACTIONS = [
  'CREATED',
  'PENDING',
  'OFFERED',
  'ACCEPTED',
  'REJECTED',
  'REVOKED',
  'SUSPENDED',
  'SHARED',
  'DELETED',
  'REACTIVATED',
  'EXPIRED',
  'ERRORED',
  'REQUESTED',
  'RETRACTED',
  'CLAIMS_REMOVED',
  'DEACTIVATED',
  'ACTIVATED',
  'REMOVED',
  'WITHDRAWN',
  'RESTORED',
  'UPDATED',
  'CLIENT_SECRET_REGENERATED',
  'SUCCEEDED',
] as const;
export type HistoryAction = (typeof HISTORY_ACTIONS)[number];

export interface HistoryMapping {
  readonly entityType: HistoryEntityType;
  readonly action: HistoryAction;
}

/**
 * The history entry each event type produces, or `null` when the type is not recorded in history (the session
 * event-log types). Typed over every {@link DomainEventType}: adding an event type without deciding its history
 * mapping is a compile error. An entry is non-null exactly when the definition's `usedBy` includes `history`
 * (checked by a unit test).
 */
export const HISTORY_MAPPING: Readonly<Record<DomainEventType, HistoryMapping | null>> = Object.freeze({
  // credentials (issuer)
  'credential.created': { entityType: 'CREDENTIAL', action: 'CREATED' },
  'credential.pending': { entityType: 'CREDENTIAL', action: 'PENDING' },
  'credential.offered': { entityType: 'CREDENTIAL', action: 'OFFERED' },
  'credential.accepted': { entityType: 'CREDENTIAL', action: 'ACCEPTED' },
  'credential.rejected': { entityType: 'CREDENTIAL', action: 'REJECTED' },
  'credential.revoked': { entityType: 'CREDENTIAL', action: 'REVOKED' },
  'credential.suspended': { entityType: 'CREDENTIAL', action: 'SUSPENDED' },
  'credential.reactivated': { entityType: 'CREDENTIAL', action: 'REACTIVATED' },
  'credential.shared': { entityType: 'CREDENTIAL', action: 'SHARED' },
  'credential.deleted': { entityType: 'CREDENTIAL', action: 'DELETED' },
  'credential.offer-expired': { entityType: 'CREDENTIAL', action: 'EXPIRED' },
  'credential.delivery-failed': { entityType: 'CREDENTIAL', action: 'ERRORED' },
  // credential schemas
  'credential-schema.created': { entityType: 'CREDENTIAL_SCHEMA', action: 'CREATED' },
  'credential-schema.deleted': { entityType: 'CREDENTIAL_SCHEMA', action: 'DELETED' },
  'credential-schema.shared': { entityType: 'CREDENTIAL_SCHEMA', action: 'SHARED' },
  // proof schemas and proofs
  'proof-schema.created': { entityType: 'PROOF_SCHEMA', action: 'CREATED' },
  'proof-schema.deleted': { entityType: 'PROOF_SCHEMA', action: 'DELETED' },
  'proof-schema.shared': { entityType: 'PROOF_SCHEMA', action: 'SHARED' },
  'proof.created': { entityType: 'PROOF', action: 'CREATED' },
  'proof.pending': { entityType: 'PROOF', action: 'PENDING' },
  'proof.requested': { entityType: 'PROOF', action: 'REQUESTED' },
  'proof.shared': { entityType: 'PROOF', action: 'SHARED' },
  'proof.accepted': { entityType: 'PROOF', action: 'ACCEPTED' },
  'proof.rejected': { entityType: 'PROOF', action: 'REJECTED' },
  'proof.retracted': { entityType: 'PROOF', action: 'RETRACTED' },
  'proof.errored': { entityType: 'PROOF', action: 'ERRORED' },
  'proof.claims-removed': { entityType: 'PROOF', action: 'CLAIMS_REMOVED' },
  // identity
  'key.created': { entityType: 'KEY', action: 'CREATED' },
  'did.created': { entityType: 'DID', action: 'CREATED' },
  'did.deactivated': { entityType: 'DID', action: 'DEACTIVATED' },
  'organisation.created': { entityType: 'ORGANISATION', action: 'CREATED' },
  'trust-anchor.created': { entityType: 'TRUST_ANCHOR', action: 'CREATED' },
  'trust-anchor.deleted': { entityType: 'TRUST_ANCHOR', action: 'DELETED' },
  'trust-entity.created': { entityType: 'TRUST_ENTITY', action: 'CREATED' },
  'trust-entity.activated': { entityType: 'TRUST_ENTITY', action: 'ACTIVATED' },
  'trust-entity.removed': { entityType: 'TRUST_ENTITY', action: 'REMOVED' },
  'trust-entity.withdrawn': { entityType: 'TRUST_ENTITY', action: 'WITHDRAWN' },
  // bridge (source BRIDGE)
  'provider.created': { entityType: 'PROVIDER', action: 'CREATED' },
  'provider.updated': { entityType: 'PROVIDER', action: 'UPDATED' },
  'provider.deleted': { entityType: 'PROVIDER', action: 'DELETED' },
  'provider.client-secret-regenerated': { entityType: 'PROVIDER', action: 'CLIENT_SECRET_REGENERATED' },
  'interaction.succeeded': { entityType: 'INTERACTION', action: 'SUCCEEDED' },
  'interaction.errored': { entityType: 'INTERACTION', action: 'ERRORED' },
  // wallet (recorded in the wallet's tenant)
  'wallet.credential-received': { entityType: 'CREDENTIAL', action: 'PENDING' },
  'wallet.credential-claimed': { entityType: 'CREDENTIAL', action: 'ACCEPTED' },
  'wallet.credential-rejected': { entityType: 'CREDENTIAL', action: 'REJECTED' },
  'wallet.proof-shared': { entityType: 'PROOF', action: 'SHARED' },
  'backup.created': { entityType: 'BACKUP', action: 'CREATED' },
  'backup.restored': { entityType: 'BACKUP', action: 'RESTORED' },
  // session event log: not history
  'session.verification': null,
  'session.issuance': null,
  'session.key': null,
  'session.did': null,
  'session.wallet': null,
});

/**
 * Payload fields holding a history entry's `entityId` and display `name`, per entity type. The entity id is the
 * partition key for every type except INTERACTION (Bridge events are keyed by `providerId`).
 */
export const HISTORY_ENTITY_FIELDS: Readonly<Record<HistoryEntityType, { readonly id: string; readonly name: string }>> = Object.freeze({
  CREDENTIAL: { id: 'credentialId', name: 'name' },
  CREDENTIAL_SCHEMA: { id: 'schemaId', name: 'name' },
  PROOF: { id: 'proofId', name: 'name' },
  PROOF_SCHEMA: { id: 'proofSchemaId', name: 'name' },
  KEY: { id: 'keyId', name: 'name' },
  DID: { id: 'didId', name: 'name' },
  ORGANISATION: { id: 'id', name: 'name' },
  TRUST_ANCHOR: { id: 'trustAnchorId', name: 'name' },
  TRUST_ENTITY: { id: 'trustEntityId', name: 'name' },
  BACKUP: { id: 'backupId', name: 'name' },
  PROVIDER: { id: 'providerId', name: 'name' },
  INTERACTION: { id: 'interactionId', name: 'providerName' },
});

const BRIDGE_ENTITY_TYPES: ReadonlySet<HistoryEntityType> = new Set<HistoryEntityType>(['PROVIDER', 'INTERACTION']);

/** The history-relevant facts of one event (what a history entry is built from). */
export interface HistoryFacts extends HistoryMapping {
  entityId: string;
  name: string;
  source: HistorySource;
}

/**
 * The history facts of a validated event, or `null` if its type is not recorded in history (or unknown).
 * `source` is `BRIDGE` for PROVIDER and INTERACTION entries (the Bridge events, whose payload `source` is always
 * `BRIDGE`), `CORE` otherwise.
 */
export function historyFactsOf(event: EventEnvelope): HistoryFacts | null {
  const mapping = (HISTORY_MAPPING as Record<string, HistoryMapping | null | undefined>)[event.type];
  if (!mapping) return null;
  const fields = HISTORY_ENTITY_FIELDS[mapping.entityType];
  const data = event.data as Record<string, unknown>;
  return {
    entityType: mapping.entityType,
    action: mapping.action,
    entityId: String(data[fields.id]),
    name: String(data[fields.name]),
    source: BRIDGE_ENTITY_TYPES.has(mapping.entityType) ? 'BRIDGE' : 'CORE',
  };
}
