import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { defineEvent } from '../registry';
import { TOPICS } from '../topics';
import { CredentialRef, DidRef, MAX_LIST_ITEMS, Recipient } from './common';
import { CredentialStateChangedData } from './credential.events';

/**
 * Payload of the wallet's credential events: the issuance fields of {@link CredentialStateChangedData}
 * (credentialId, name, schema, profile, credentialType, DIDs, `activityId` of the issuance, recipient, boostUri,
 * integrationId, source, credentialUri, inboxCredentialId, reason) so that the activity and history projections
 * need no join with the issuer's events.
 *
 * The envelope `organisationId` is the wallet's tenant; `issuerOrganisationId` is the tenant that issued the
 * credential and owns the activity chain. `actorProfileId` is the profile that triggered the action: the sending
 * profile for `wallet.credential-received`, the recipient's profile for claims and rejections.
 */
export class WalletCredentialEventData extends CredentialStateChangedData {
  /** Tenant that issued the credential (owner of the activity chain `activityId`). */
  @IsString()
  @MaxLength(128)
  issuerOrganisationId!: string;

  // `@ValidateNested()` alone lets a missing object through; the wallet contract requires these two.
  @IsDefined()
  declare issuerDid: DidRef;

  @IsDefined()
  declare recipient: Recipient;
}

/** `wallet.proof-shared`: the holder presented credentials to a verifier. Carries no claim values. */
export class WalletProofSharedData {
  @IsUUID()
  proofId!: string;

  /** Display name of the proof request as shown to the holder. */
  @IsString()
  @MaxLength(256)
  name!: string;

  @IsDefined()
  @ValidateNested()
  @Type(() => DidRef)
  verifierDid!: DidRef;

  @IsOptional()
  @ValidateNested()
  @Type(() => DidRef)
  holderDid?: DidRef;

  /** Credentials whose claims were presented. */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_LIST_ITEMS)
  @ValidateNested({ each: true })
  @Type(() => CredentialRef)
  credentials!: CredentialRef[];

  /** The holder profile that presented. */
  @IsString()
  @MaxLength(256)
  actorProfileId!: string;
}

/** Payload of backup events (mobile wallet). */
export class BackupEventData {
  @IsUUID()
  backupId!: string;

  /** Display name of the backup (usually its file name). */
  @IsString()
  @MaxLength(256)
  name!: string;

  @IsString()
  @MaxLength(256)
  actorProfileId!: string;
}

const topic = TOPICS.wallet;
const credentialKey = (d: { credentialId: string }) => d.credentialId;

export const WalletCredentialReceived = defineEvent({
  type: 'wallet.credential-received',
  version: 1,
  topic,
  payload: WalletCredentialEventData,
  key: credentialKey,
  description:
    "A credential arrived in a recipient profile's wallet (activity DELIVERED when recipient.type is `profile`; history CREDENTIAL PENDING in the wallet's tenant). Not counted by reports (issuance is counted on credential.accepted).",
  usedBy: ['history', 'activity'],
});

export const WalletCredentialClaimed = defineEvent({
  type: 'wallet.credential-claimed',
  version: 1,
  topic,
  payload: WalletCredentialEventData,
  key: credentialKey,
  description:
    "The recipient claimed/accepted the credential; reuses the issuance's activityId (activity CLAIMED; history CREDENTIAL ACCEPTED in the wallet's tenant).",
  usedBy: ['history', 'activity'],
});

export const WalletCredentialRejected = defineEvent({
  type: 'wallet.credential-rejected',
  version: 1,
  topic,
  payload: WalletCredentialEventData,
  key: credentialKey,
  description: "The recipient rejected the credential; `reason` may say why (history CREDENTIAL REJECTED in the wallet's tenant).",
  usedBy: ['history'],
});

export const WalletProofShared = defineEvent({
  type: 'wallet.proof-shared',
  version: 1,
  topic,
  payload: WalletProofSharedData,
  key: (d) => d.proofId,
  description: "The holder presented credentials to a verifier (history PROOF SHARED in the wallet's tenant).",
  usedBy: ['history'],
});

export const BackupCreated = defineEvent({
  type: 'backup.created',
  version: 1,
  topic,
  payload: BackupEventData,
  key: (d) => d.backupId,
  description: 'A wallet backup was created (history BACKUP CREATED).',
  usedBy: ['history'],
});

export const BackupRestored = defineEvent({
  type: 'backup.restored',
  version: 1,
  topic,
  payload: BackupEventData,
  key: (d) => d.backupId,
  description: 'A backup import was finalized and the wallet database was overwritten with its content (history BACKUP RESTORED).',
  usedBy: ['history'],
});

export const WALLET_EVENTS = [
  WalletCredentialReceived,
  WalletCredentialClaimed,
  WalletCredentialRejected,
  WalletProofShared,
  BackupCreated,
  BackupRestored,
] as const;
