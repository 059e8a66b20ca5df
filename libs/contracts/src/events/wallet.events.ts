import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
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
 * The envelope `organisationId` is the wallet's tenant, and every read model files these events there.
 * `issuerOrganisationId` is the tenant the offer names as its issuer: a claim written by the wallet's caller, so
 * no read model takes a tenant from it; only the issuer's own policy reads it, to find the offer whose
 * pre-authorized code the claim must prove (`preAuthorizedCodeHash`), and records its own `credential.accepted`
 * / `credential.rejected` in its tenant when the proof holds (docs/security.md "Offers and claims").
 * `actorProfileId` is the profile that triggered the action: the sending profile for `wallet.credential-received`,
 * the recipient's profile for claims and rejections.
 */
export class WalletCredentialEventData extends CredentialStateChangedData {
  /** Tenant named by the offer as its issuer (unverified: see above). */
  @IsString()
  @MaxLength(128)
  issuerOrganisationId!: string;

  /**
   * Hex SHA-256 of the offer's pre-authorized code, which the wallet's caller presented (the code itself never
   * leaves the wallet API). Optional on the wire for events written before codes existed; without it the issuer
   * ignores the claim.
   */
  @IsOptional()
  @Matches(/^[0-9a-f]{64}$/, { message: 'preAuthorizedCodeHash must be a lowercase hex SHA-256' })
  preAuthorizedCodeHash?: string;

  /** Hex SHA-256 of `<pre-authorized code>.<tx code>` when the caller presented a transaction code (email/phone offers). */
  @IsOptional()
  @Matches(/^[0-9a-f]{64}$/, { message: 'txCodeHash must be a lowercase hex SHA-256' })
  txCodeHash?: string;

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
    "A credential arrived in a recipient profile's wallet (history CREDENTIAL PENDING in the wallet's tenant). Not counted by reports (issuance is counted on credential.accepted) nor by activity (the issuer's credential.offered is the delivery).",
  usedBy: ['history'],
});

export const WalletCredentialClaimed = defineEvent({
  type: 'wallet.credential-claimed',
  version: 1,
  topic,
  payload: WalletCredentialEventData,
  key: credentialKey,
  description:
    "The recipient claimed/accepted the credential, proving the offer's pre-authorized code (history CREDENTIAL ACCEPTED in the wallet's tenant). The issuer's policy verifies the code and records credential.accepted (activity CLAIMED) in the issuing tenant.",
  usedBy: ['history'],
});

export const WalletCredentialRejected = defineEvent({
  type: 'wallet.credential-rejected',
  version: 1,
  topic,
  payload: WalletCredentialEventData,
  key: credentialKey,
  description:
    "The recipient rejected the credential, proving the offer's pre-authorized code; `reason` may say why (history CREDENTIAL REJECTED in the wallet's tenant). The issuer's policy verifies the code and records credential.rejected.",
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
