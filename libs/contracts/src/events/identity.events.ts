import {
  ArrayMaxSize,
  IsArray,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
} from 'class-validator';
import { defineEvent } from '../registry';
import { TOPICS } from '../topics';
import { MAX_LIST_ITEMS } from './common';

// ---------------------------------------------------------------------------------------------------------------
// Keys
// ---------------------------------------------------------------------------------------------------------------

/**
 * `key.created` v2. Version history:
 * - v1 named the key type `algorithm`;
 * - v2 renamed it to `keyType` (same values, e.g. `EDDSA`, `ECDSA`, `BBS_PLUS`); see {@link upcastKeyCreatedV1}.
 */
export class KeyCreatedData {
  @IsUUID()
  keyId!: string;

  @IsString()
  @MaxLength(256)
  name!: string;

  /** Key type / algorithm, e.g. `EDDSA`, `ECDSA`. Named `algorithm` in v1. */
  @IsString()
  @MaxLength(64)
  keyType!: string;

  /** Key storage, e.g. `INTERNAL`, `AZURE_VAULT`, `SECURE_ELEMENT`. */
  @IsString()
  @MaxLength(64)
  storageType!: string;

  /** The profile (user or service account) that triggered the action. */
  @IsString()
  @MaxLength(256)
  actorProfileId!: string;
}

/** `key.created` v1, as published before `algorithm` was renamed (schema only: v1 messages are upcast). */
export class KeyCreatedV1Data {
  @IsUUID()
  keyId!: string;

  @IsString()
  @MaxLength(256)
  name!: string;

  /** Key algorithm, e.g. `EDDSA`, `ECDSA` (`keyType` from v2 on). */
  @IsString()
  @MaxLength(64)
  algorithm!: string;

  /** Key storage, e.g. `INTERNAL`, `AZURE_VAULT`, `SECURE_ELEMENT`. */
  @IsString()
  @MaxLength(64)
  storageType!: string;

  /** The profile (user or service account) that triggered the action. */
  @IsString()
  @MaxLength(256)
  actorProfileId!: string;
}

/** Upcaster v1 → v2 of `key.created`: renames `algorithm` to `keyType`. Pure; leaves every other field untouched. */
export function upcastKeyCreatedV1(data: Record<string, unknown>): Record<string, unknown> {
  const { algorithm, ...rest } = data;
  return 'keyType' in rest ? rest : { ...rest, keyType: algorithm };
}

export const KeyCreated = defineEvent({
  type: 'key.created',
  version: 2,
  topic: TOPICS.identity,
  payload: KeyCreatedData,
  key: (d) => d.keyId,
  description: 'A key was created (history KEY CREATED). v2 renamed v1 `algorithm` to `keyType`; v1 messages are upcast.',
  usedBy: ['history'],
  upcasters: { 1: upcastKeyCreatedV1 },
  previousPayloads: { 1: KeyCreatedV1Data },
});

// ---------------------------------------------------------------------------------------------------------------
// DIDs
// ---------------------------------------------------------------------------------------------------------------

export class DidEventData {
  /** Platform id of the DID (history `didId` filter). */
  @IsUUID()
  didId!: string;

  /** The DID value, e.g. `did:key:z6Mk…`. */
  @IsString()
  @MaxLength(2048)
  did!: string;

  @IsString()
  @MaxLength(256)
  name!: string;

  /** DID method, e.g. `KEY`, `WEB`, `JWK`. */
  @IsString()
  @MaxLength(64)
  method!: string;

  /** Keys the DID references. */
  @IsArray()
  @ArrayMaxSize(MAX_LIST_ITEMS)
  @IsUUID('all', { each: true })
  keyIds!: string[];

  /** The profile (user or service account) that triggered the action. */
  @IsString()
  @MaxLength(256)
  actorProfileId!: string;
}

const didKey = (d: { didId: string }) => d.didId;

export const DidCreated = defineEvent({
  type: 'did.created',
  version: 1,
  topic: TOPICS.identity,
  payload: DidEventData,
  key: didKey,
  description: 'A DID was created (history DID CREATED).',
  usedBy: ['history'],
});

export const DidDeactivated = defineEvent({
  type: 'did.deactivated',
  version: 1,
  topic: TOPICS.identity,
  payload: DidEventData,
  key: didKey,
  description: 'A DID was deactivated (history DID DEACTIVATED).',
  usedBy: ['history'],
});

// ---------------------------------------------------------------------------------------------------------------
// Organisations
// ---------------------------------------------------------------------------------------------------------------

/** `organisation.created`. The envelope `organisationId` of this event is the new organisation's `id`. */
export class OrganisationEventData {
  @IsUUID()
  id!: string;

  @IsString()
  @MaxLength(256)
  name!: string;

  /** The profile (user or service account) that triggered the action. */
  @IsString()
  @MaxLength(256)
  actorProfileId!: string;
}

export const OrganisationCreated = defineEvent({
  type: 'organisation.created',
  version: 1,
  topic: TOPICS.identity,
  payload: OrganisationEventData,
  key: (d) => d.id,
  description: 'An organisation was created; the envelope organisationId is the new organisation (history ORGANISATION CREATED).',
  usedBy: ['history'],
});

// ---------------------------------------------------------------------------------------------------------------
// Trust anchors and trust entities
// ---------------------------------------------------------------------------------------------------------------

export class TrustAnchorEventData {
  @IsUUID()
  trustAnchorId!: string;

  @IsString()
  @MaxLength(256)
  name!: string;

  /** Trust management type, e.g. `SIMPLE_TRUST_LIST`. */
  @IsString()
  @MaxLength(64)
  type!: string;

  /** Where the anchor is published (URL of the remote trust list), when it is not published by this platform. */
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  publisherReference?: string;

  /** The profile (user or service account) that triggered the action. */
  @IsString()
  @MaxLength(256)
  actorProfileId!: string;
}

const trustAnchorKey = (d: { trustAnchorId: string }) => d.trustAnchorId;

export const TrustAnchorCreated = defineEvent({
  type: 'trust-anchor.created',
  version: 1,
  topic: TOPICS.identity,
  payload: TrustAnchorEventData,
  key: trustAnchorKey,
  description: 'A trust anchor was created (history TRUST_ANCHOR CREATED).',
  usedBy: ['history'],
});

export const TrustAnchorDeleted = defineEvent({
  type: 'trust-anchor.deleted',
  version: 1,
  topic: TOPICS.identity,
  payload: TrustAnchorEventData,
  key: trustAnchorKey,
  description: 'A trust anchor was deleted (history TRUST_ANCHOR DELETED).',
  usedBy: ['history'],
});

export class TrustEntityEventData {
  @IsUUID()
  trustEntityId!: string;

  @IsString()
  @MaxLength(256)
  name!: string;

  @IsUUID()
  trustAnchorId!: string;

  /** The DID the trust entity publishes, when it is one of this platform's DIDs (history `didId` filter). */
  @IsOptional()
  @IsUUID()
  didId?: string;

  /** The profile (user or service account) that triggered the action. */
  @IsString()
  @MaxLength(256)
  actorProfileId!: string;
}

const trustEntityKey = (d: { trustEntityId: string }) => d.trustEntityId;

function trustEntityEvent<T extends string>(type: T, description: string) {
  return defineEvent({
    type,
    version: 1,
    topic: TOPICS.identity,
    payload: TrustEntityEventData,
    key: trustEntityKey,
    description,
    usedBy: ['history'],
  });
}

export const TrustEntityCreated = trustEntityEvent(
  'trust-entity.created',
  'The trust entity was published to a trust anchor (history TRUST_ENTITY CREATED).',
);
export const TrustEntityActivated = trustEntityEvent(
  'trust-entity.activated',
  'A removed or withdrawn trust entity was reactivated on its trust anchor (history TRUST_ENTITY ACTIVATED).',
);
export const TrustEntityRemoved = trustEntityEvent(
  'trust-entity.removed',
  'The trust entity was removed from its trust anchor by the anchor publisher (history TRUST_ENTITY REMOVED).',
);
export const TrustEntityWithdrawn = trustEntityEvent(
  'trust-entity.withdrawn',
  'The trust entity was withdrawn from its trust anchor by the entity itself (history TRUST_ENTITY WITHDRAWN).',
);

export const IDENTITY_EVENTS = [
  KeyCreated,
  DidCreated,
  DidDeactivated,
  OrganisationCreated,
  TrustAnchorCreated,
  TrustAnchorDeleted,
  TrustEntityCreated,
  TrustEntityActivated,
  TrustEntityRemoved,
  TrustEntityWithdrawn,
] as const;
