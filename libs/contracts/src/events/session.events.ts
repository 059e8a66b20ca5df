import { createHash } from 'crypto';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import type { EventEnvelope } from '../envelope';
import { defineEvent, type EventOf } from '../registry';
import { TOPICS } from '../topics';

/**
 * Session event log (walt.id-style events: VerificationEvent, IssuanceEvent, KeyEvent, DIDEvent, wallet events).
 *
 * On Kafka these events keep the common CloudEvents envelope. API consumers see them in the published shape
 * (seed 001), produced by {@link toPublishedShape}:
 *
 * | published field   | comes from                                                                  |
 * |-------------------|-----------------------------------------------------------------------------|
 * | `type`            | `${SESSION_EVENT_NAMESPACE}.${eventType}` (class-name style)                 |
 * | `eventType`       | the envelope `type` (`session.verification` → `VerificationEvent`, …)        |
 * | `_id`             | envelope `id`                                                               |
 * | `organization`    | envelope `organisationId`                                                   |
 * | `timestamp`       | envelope `time`, as Unix milliseconds                                       |
 * | everything else   | `data` (`originator`, `target`, `action`, `status`, `callId`, `error` and the per-type fields), absent optional fields published as `null` |
 *
 * So `data` never repeats `_id`, `organization`, `timestamp`, `type` or `eventType`.
 *
 * Partition keys: verification and issuance events by `sessionId` (a session's events stay ordered);
 * key events by `keyId`; DID events by the `did` value (see {@link didSessionKey}); wallet events by `walletId`.
 */

/** Namespace of the class-name-style `type` of published session events, e.g. `cep.events.VerificationEvent`. */
export const SESSION_EVENT_NAMESPACE = 'cep.events';

export const SESSION_STATUSES = ['Open', 'Success', 'Failure'] as const;
export type SessionStatusType = (typeof SESSION_STATUSES)[number];

export const KEY_EVENT_TYPES = ['Create', 'Import', 'Export', 'Rotation'] as const;
export type KeyEventType = (typeof KEY_EVENT_TYPES)[number];

export const DID_EVENT_TYPES = ['Create', 'Update', 'Delete', 'Resolve'] as const;
export type DidEventType = (typeof DID_EVENT_TYPES)[number];

/** Published `eventType` of `session.wallet` events (walt.id's wallet event classes). */
export const WALLET_EVENT_TYPES = ['CredentialWalletEvent', 'IssuanceWalletEvent', 'PresentationWalletEvent'] as const;
export type WalletEventType = (typeof WALLET_EVENT_TYPES)[number];

/** `action`: what happened, e.g. `{ "type": "init_session" }`. */
export class SessionAction {
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  type!: string;
}

/** `status`: `Open` (in progress), `Success` or `Failure`. */
export class SessionStatus {
  @IsIn(SESSION_STATUSES)
  type!: SessionStatusType;
}

/** Fields of every session event's `data` (the published envelope minus `_id`, `organization`, `timestamp`, `type`, `eventType`). */
export class SessionEventData {
  /** User or system that initiated the event; published as `null` when absent. */
  @IsOptional()
  @IsString()
  @MaxLength(256)
  originator?: string | null;

  /** The service in which the event was triggered, e.g. `acme.customer.verifier1`. */
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  target!: string;

  @IsDefined()
  @ValidateNested()
  @Type(() => SessionAction)
  action!: SessionAction;

  @IsDefined()
  @ValidateNested()
  @Type(() => SessionStatus)
  status!: SessionStatus;

  /** HTTP call tracing id; published as `null` when absent. */
  @IsOptional()
  @IsString()
  @MaxLength(128)
  callId?: string | null;

  /** Error message if the event encountered an issue; published as `null` when absent. */
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  error?: string | null;
}

/** `session.verification` → published `VerificationEvent`. */
export class VerificationSessionEventData extends SessionEventData {
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  sessionId!: string;

  /** Format of the credential being verified, e.g. `vc+sd-jwt`. */
  @IsString()
  @MaxLength(128)
  format!: string;

  /** Algorithm used for signing; may be empty while unknown. */
  @IsString()
  @MaxLength(128)
  signatureAlgorithm!: string;

  /** Type of credential being verified, e.g. `identity_credential`; published as `null` when absent. */
  @IsOptional()
  @IsString()
  @MaxLength(256)
  credentialType?: string | null;
}

/** `session.issuance` → published `IssuanceEvent`. */
export class IssuanceSessionEventData extends SessionEventData {
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  sessionId!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(256)
  credentialConfigurationId!: string;

  @IsOptional()
  @IsString()
  @MaxLength(128)
  format?: string | null;

  /** Proof-of-possession type, e.g. `jwt`, `cwt`, `ldp_vp`. */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  proofType?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(2048)
  holderId?: string | null;
}

/** `session.key` → published `KeyEvent`. `keyId` is our addition (the partition key). */
export class KeySessionEventData extends SessionEventData {
  @IsIn(KEY_EVENT_TYPES)
  keyEventType!: KeyEventType;

  @IsString()
  @MinLength(1)
  @MaxLength(64)
  keyAlgorithm!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(256)
  keyId!: string;
}

/** `session.did` → published `DIDEvent`. `did` is our addition (the partition key, see {@link didSessionKey}). */
export class DidSessionEventData extends SessionEventData {
  @IsIn(DID_EVENT_TYPES)
  didEventType!: DidEventType;

  /** DID method, e.g. `key`, `jwk`, `web`. */
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  didMethod!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(8192)
  did!: string;
}

/** `session.wallet` → published `CredentialWalletEvent` / `IssuanceWalletEvent` / `PresentationWalletEvent`. */
export class WalletSessionEventData extends SessionEventData {
  /** Which wallet event this is; becomes the published `eventType`. */
  @IsIn(WALLET_EVENT_TYPES)
  walletEventType!: WalletEventType;

  @IsString()
  @MinLength(1)
  @MaxLength(256)
  walletId!: string;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  account?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  credentialId?: string | null;

  /** Credential status after the action (CredentialWalletEvent). */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  credentialStatus?: string | null;

  /** Offer URL (IssuanceWalletEvent). */
  @IsOptional()
  @IsString()
  @MaxLength(8192)
  credentialOfferUrl?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(2048)
  issuerId?: string | null;

  /** Presentation request URL (PresentationWalletEvent). */
  @IsOptional()
  @IsString()
  @MaxLength(8192)
  presentationRequestUrl?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(2048)
  verifierId?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  credentialType?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  displayName?: string | null;
}

/** Longest DID used verbatim as a partition key (the envelope `subject` allows 256 characters). */
export const MAX_DID_KEY_LENGTH = 256;

/**
 * Partition key of a `session.did` event: the DID value itself, or — for DIDs longer than
 * {@link MAX_DID_KEY_LENGTH} (e.g. long `did:jwk` / `did:peer`) — `did-sha256:<hex sha-256 of the DID>`.
 */
export function didSessionKey(did: string): string {
  return did.length <= MAX_DID_KEY_LENGTH ? did : `did-sha256:${createHash('sha256').update(did, 'utf8').digest('hex')}`;
}

const topic = TOPICS.sessions;

export const SessionVerification = defineEvent({
  type: 'session.verification',
  version: 1,
  topic,
  payload: VerificationSessionEventData,
  key: (d) => d.sessionId,
  description:
    'Verifier session event (published as VerificationEvent): status of a credential verification session, e.g. action init_session with status Open. Keyed by sessionId.',
  usedBy: ['event-log'],
});

export const SessionIssuance = defineEvent({
  type: 'session.issuance',
  version: 1,
  topic,
  payload: IssuanceSessionEventData,
  key: (d) => d.sessionId,
  description: 'Issuer session event (published as IssuanceEvent): status of an OID4VCI issuance session. Keyed by sessionId.',
  usedBy: ['event-log'],
});

export const SessionKey = defineEvent({
  type: 'session.key',
  version: 1,
  topic,
  payload: KeySessionEventData,
  key: (d) => d.keyId,
  description: 'Key operation event (published as KeyEvent): Create, Import, Export or Rotation of a key. Keyed by keyId.',
  usedBy: ['event-log'],
});

export const SessionDid = defineEvent({
  type: 'session.did',
  version: 1,
  topic,
  payload: DidSessionEventData,
  key: (d) => didSessionKey(d.did),
  description:
    'DID operation event (published as DIDEvent): Create, Update, Delete or Resolve of a DID. Keyed by the DID value (sha-256 of it when longer than 256 characters).',
  usedBy: ['event-log'],
});

export const SessionWallet = defineEvent({
  type: 'session.wallet',
  version: 1,
  topic,
  payload: WalletSessionEventData,
  key: (d) => d.walletId,
  description:
    'Wallet event (published as CredentialWalletEvent, IssuanceWalletEvent or PresentationWalletEvent per `walletEventType`). Keyed by walletId.',
  usedBy: ['event-log'],
});

export const SESSION_EVENTS = [SessionVerification, SessionIssuance, SessionKey, SessionDid, SessionWallet] as const;

export type SessionEvent = EventOf<(typeof SESSION_EVENTS)[number]>;
export type SessionEventKind = SessionEvent['type'];

/** Published `eventType` per session event type (`session.wallet` is resolved from `data.walletEventType`). */
export const SESSION_EVENT_TYPE_NAMES = {
  'session.verification': 'VerificationEvent',
  'session.issuance': 'IssuanceEvent',
  'session.key': 'KeyEvent',
  'session.did': 'DIDEvent',
  'session.wallet': WALLET_EVENT_TYPES,
} as const satisfies Record<SessionEventKind, string | readonly string[]>;

export type PublishedEventType = 'VerificationEvent' | 'IssuanceEvent' | 'KeyEvent' | 'DIDEvent' | WalletEventType;

/** Fields every published session event has, in the published order. */
export interface PublishedSessionEventBase {
  /** Class-name-style type, `${namespace}.${eventType}`. */
  type: string;
  eventType: PublishedEventType;
  _id: string;
  originator: string | null;
  organization: string;
  target: string;
  /** Unix milliseconds. */
  timestamp: number;
  action: { type: string };
  status: { type: SessionStatusType };
  callId: string | null;
  error: string | null;
}

export interface PublishedVerificationEvent extends PublishedSessionEventBase {
  eventType: 'VerificationEvent';
  sessionId: string;
  format: string;
  signatureAlgorithm: string;
  credentialType: string | null;
}

export interface PublishedIssuanceEvent extends PublishedSessionEventBase {
  eventType: 'IssuanceEvent';
  sessionId: string;
  credentialConfigurationId: string;
  format: string | null;
  proofType: string | null;
  holderId: string | null;
}

export interface PublishedKeyEvent extends PublishedSessionEventBase {
  eventType: 'KeyEvent';
  keyEventType: KeyEventType;
  keyAlgorithm: string;
  keyId: string;
}

export interface PublishedDidEvent extends PublishedSessionEventBase {
  eventType: 'DIDEvent';
  didEventType: DidEventType;
  didMethod: string;
  did: string;
}

export interface PublishedWalletEvent extends PublishedSessionEventBase {
  eventType: WalletEventType;
  walletId: string;
  account: string | null;
  credentialId: string | null;
  credentialStatus: string | null;
  credentialOfferUrl: string | null;
  issuerId: string | null;
  presentationRequestUrl: string | null;
  verifierId: string | null;
  credentialType: string | null;
  displayName: string | null;
}

export type PublishedSessionEvent =
  | PublishedVerificationEvent
  | PublishedIssuanceEvent
  | PublishedKeyEvent
  | PublishedDidEvent
  | PublishedWalletEvent;

export interface PublishedShapeOptions {
  /** Namespace of the class-name-style `type`; defaults to {@link SESSION_EVENT_NAMESPACE}. */
  namespace?: string;
}

const SESSION_TYPES = new Set<string>(SESSION_EVENTS.map((d) => d.type));

/** True when the envelope is one of the session event-log types. */
export function isSessionEvent(envelope: EventEnvelope): envelope is SessionEvent {
  return SESSION_TYPES.has(envelope.type);
}

const orNull = <T>(v: T | null | undefined): T | null => (v === undefined || v === null ? null : v);

/** Published `eventType` of a session event. */
export function publishedEventType(envelope: SessionEvent): PublishedEventType {
  return envelope.type === 'session.wallet' ? envelope.data.walletEventType : SESSION_EVENT_TYPE_NAMES[envelope.type];
}

/**
 * Turns a (validated) session event envelope into the shape API consumers see (seed 001): field order, `null`
 * for absent optional fields, `timestamp` in Unix milliseconds. Pure.
 */
export function toPublishedShape(envelope: EventByKind<'session.verification'>, options?: PublishedShapeOptions): PublishedVerificationEvent;
export function toPublishedShape(envelope: EventByKind<'session.issuance'>, options?: PublishedShapeOptions): PublishedIssuanceEvent;
export function toPublishedShape(envelope: EventByKind<'session.key'>, options?: PublishedShapeOptions): PublishedKeyEvent;
export function toPublishedShape(envelope: EventByKind<'session.did'>, options?: PublishedShapeOptions): PublishedDidEvent;
export function toPublishedShape(envelope: EventByKind<'session.wallet'>, options?: PublishedShapeOptions): PublishedWalletEvent;
export function toPublishedShape(envelope: SessionEvent, options?: PublishedShapeOptions): PublishedSessionEvent;
export function toPublishedShape(envelope: SessionEvent, options: PublishedShapeOptions = {}): PublishedSessionEvent {
  const namespace = options.namespace ?? SESSION_EVENT_NAMESPACE;
  const eventType = publishedEventType(envelope);
  const d = envelope.data;
  const base = {
    type: `${namespace}.${eventType}`,
    eventType,
    _id: envelope.id,
    originator: orNull(d.originator),
    organization: envelope.organisationid,
    target: d.target,
    timestamp: Date.parse(envelope.time),
    action: { type: d.action.type },
    status: { type: d.status.type },
    callId: orNull(d.callId),
    error: orNull(d.error),
  };
  switch (envelope.type) {
    case 'session.verification': {
      const v = envelope.data;
      return {
        ...base,
        eventType: 'VerificationEvent',
        sessionId: v.sessionId,
        format: v.format,
        signatureAlgorithm: v.signatureAlgorithm,
        credentialType: orNull(v.credentialType),
      };
    }
    case 'session.issuance': {
      const v = envelope.data;
      return {
        ...base,
        eventType: 'IssuanceEvent',
        sessionId: v.sessionId,
        credentialConfigurationId: v.credentialConfigurationId,
        format: orNull(v.format),
        proofType: orNull(v.proofType),
        holderId: orNull(v.holderId),
      };
    }
    case 'session.key': {
      const v = envelope.data;
      return { ...base, eventType: 'KeyEvent', keyEventType: v.keyEventType, keyAlgorithm: v.keyAlgorithm, keyId: v.keyId };
    }
    case 'session.did': {
      const v = envelope.data;
      return { ...base, eventType: 'DIDEvent', didEventType: v.didEventType, didMethod: v.didMethod, did: v.did };
    }
    case 'session.wallet': {
      const v = envelope.data;
      return {
        ...base,
        eventType: v.walletEventType,
        walletId: v.walletId,
        account: orNull(v.account),
        credentialId: orNull(v.credentialId),
        credentialStatus: orNull(v.credentialStatus),
        credentialOfferUrl: orNull(v.credentialOfferUrl),
        issuerId: orNull(v.issuerId),
        presentationRequestUrl: orNull(v.presentationRequestUrl),
        verifierId: orNull(v.verifierId),
        credentialType: orNull(v.credentialType),
        displayName: orNull(v.displayName),
      };
    }
    default: {
      const unknown: never = envelope;
      throw new Error(`not a session event: ${(unknown as EventEnvelope).type}`);
    }
  }
}

type EventByKind<K extends SessionEventKind> = Extract<SessionEvent, { type: K }>;
