import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { defineEvent } from '../registry';
import { TOPICS } from '../topics';
import {
  Claim,
  DidRef,
  ISSUANCE_SOURCES,
  MAX_CLAIMS,
  PROFILES,
  Recipient,
  type IssuanceSource,
  type Profile,
} from './common';

/**
 * Fields every credential event carries, so that each read model can project it without lookups:
 * identity and display name (history), related ids (history filters), profile and credential type (reports),
 * and the issuance's activity id (activity chains).
 */
export class CredentialEventData {
  @IsUUID()
  credentialId!: string;

  /** Display name of the credential (usually the schema name). */
  @IsString()
  @MaxLength(256)
  name!: string;

  @IsUUID()
  schemaId!: string;

  @IsString()
  @MaxLength(256)
  schemaName!: string;

  @IsIn(PROFILES)
  profile!: Profile;

  @IsString()
  @MaxLength(256)
  credentialType!: string;

  @IsDefined()
  @ValidateNested()
  @Type(() => DidRef)
  issuerDid!: DidRef;

  @IsOptional()
  @ValidateNested()
  @Type(() => DidRef)
  holderDid?: DidRef;

  /** Groups the lifecycle of one issuance (activity chains). */
  @IsUUID()
  activityId!: string;

  /** The profile (user or service account) that triggered the action. */
  @IsString()
  @MaxLength(256)
  actorProfileId!: string;
}

/** `credential.created`: the credential was created for a recipient, with its claims. */
export class CredentialCreatedData extends CredentialEventData {
  @IsArray()
  @ArrayMaxSize(MAX_CLAIMS)
  @ValidateNested({ each: true })
  @Type(() => Claim)
  claims!: Claim[];

  @IsDefined()
  @ValidateNested()
  @Type(() => Recipient)
  recipient!: Recipient;

  /** Template the credential was issued from (the activity seed's `boostUri`). */
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  boostUri?: string;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  integrationId?: string;

  @IsIn(ISSUANCE_SOURCES)
  source!: IssuanceSource;

  /** When the offer expires if it is not claimed. */
  @IsISO8601({ strict: true })
  offerExpiresAt!: string;
}

/**
 * Payload of every credential state transition. Repeats the recipient and template so that the activity
 * projection can build a record from any event of the chain, whichever arrives first.
 */
export class CredentialStateChangedData extends CredentialEventData {
  @IsDefined()
  @ValidateNested()
  @Type(() => Recipient)
  recipient!: Recipient;

  @IsOptional()
  @IsString()
  @MaxLength(1024)
  boostUri?: string;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  integrationId?: string;

  @IsIn(ISSUANCE_SOURCES)
  source!: IssuanceSource;

  /** URI of the issued credential, once there is one (profile sends). */
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  credentialUri?: string;

  /** Inbox credential id (email / phone sends). */
  @IsOptional()
  @IsString()
  @MaxLength(256)
  inboxCredentialId?: string;

  /** Free-text reason (revocation reason, rejection reason). */
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  reason?: string;

  /** Error message (delivery failure). */
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  error?: string;
}

/**
 * Payload of the status changes (`credential.revoked`, `.suspended`, `.reactivated`): a state change whose
 * `credentialType` may be absent (reports count status changes per profile across credential types, so a
 * producer that does not know the type can still publish them).
 */
// The platform's own producers always set `credentialType`, and the TypeScript type keeps it required for them
// (TypeScript does not let a subclass make an inherited property optional); consumers must not rely on it. The
// wire rule (validation, JSON Schema, docs) comes from the `IsOptional` applied below.
export class CredentialStatusChangedData extends CredentialStateChangedData {}
IsOptional()(CredentialStatusChangedData.prototype, 'credentialType');

const key = (d: { credentialId: string }) => d.credentialId;
const topic = TOPICS.credentials;

export const CredentialCreated = defineEvent({
  type: 'credential.created',
  version: 1,
  topic,
  payload: CredentialCreatedData,
  key,
  description: 'A credential was created for a recipient (history CREATED).',
  usedBy: ['history'],
});

function stateEvent<T extends string>(type: T, description: string, usedBy: ('history' | 'activity' | 'reports')[]) {
  return defineEvent({ type, version: 1, topic, payload: CredentialStateChangedData, key, description, usedBy });
}

function statusEvent<T extends string>(type: T, description: string) {
  return defineEvent({ type, version: 1, topic, payload: CredentialStatusChangedData, key, description, usedBy: ['history', 'reports'] });
}

export const CredentialPending = stateEvent('credential.pending', 'The credential entered PENDING (history PENDING).', ['history']);
export const CredentialOffered = stateEvent(
  'credential.offered',
  'The offer was sent to the recipient (history OFFERED; activity CREATED for email/phone recipients, DELIVERED for profile recipients: the issuer delivers to the profile\'s wallet).',
  ['history', 'activity'],
);
export const CredentialAccepted = stateEvent(
  'credential.accepted',
  'The holder accepted the offer and the credential was issued (history ACCEPTED; reports `issued`; activity CLAIMED). Recorded by the issuer only: from its API or from a wallet claim whose pre-authorized code it verified.',
  ['history', 'reports', 'activity'],
);
export const CredentialRejected = stateEvent('credential.rejected', 'The holder rejected the offer (history REJECTED).', ['history']);
export const CredentialRevoked = statusEvent('credential.revoked', 'The credential was revoked (history REVOKED; reports `status_changed`).');
export const CredentialSuspended = statusEvent('credential.suspended', 'The credential was suspended (history SUSPENDED; reports `status_changed`).');
export const CredentialReactivated = statusEvent(
  'credential.reactivated',
  'A suspended credential was reactivated (history REACTIVATED; reports `status_changed`).',
);
export const CredentialShared = stateEvent('credential.shared', 'The credential was shared with a holder device (history SHARED).', ['history']);
export const CredentialDeleted = stateEvent('credential.deleted', 'The credential was deleted; no state change (history DELETED).', ['history']);
export const CredentialOfferExpired = stateEvent(
  'credential.offer-expired',
  'The offer passed its expiry unclaimed (activity EXPIRED; history EXPIRED).',
  ['history', 'activity'],
);
export const CredentialDeliveryFailed = stateEvent(
  'credential.delivery-failed',
  'Delivery to the recipient failed; `error` says why (activity FAILED with metadata.error; history ERRORED).',
  ['history', 'activity'],
);

export const CREDENTIAL_EVENTS = [
  CredentialCreated,
  CredentialPending,
  CredentialOffered,
  CredentialAccepted,
  CredentialRejected,
  CredentialRevoked,
  CredentialSuspended,
  CredentialReactivated,
  CredentialShared,
  CredentialDeleted,
  CredentialOfferExpired,
  CredentialDeliveryFailed,
] as const;
