import {
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
} from 'class-validator';

/** Credential profiles (formats) supported by the platform. */
export const PROFILES = ['mdoc', 'cwt', 'sd-jwt-vc', 'jwt-vc', 'ldp-vc'] as const;
export type Profile = (typeof PROFILES)[number];

/** History `source` of an entry: core platform or the Bridge (OpenID provider) integration. */
export const HISTORY_SOURCES = ['CORE', 'BRIDGE'] as const;
export type HistorySource = (typeof HISTORY_SOURCES)[number];

/** Entry points of an issuance (activity seed "Source Types"). */
export const ISSUANCE_SOURCES = [
  'send',
  'sendBoost',
  'sendCredential',
  'inbox',
  'claim',
  'claimLink',
  'contract',
  'acceptCredential',
] as const;
export type IssuanceSource = (typeof ISSUANCE_SOURCES)[number];

export const RECIPIENT_TYPES = ['profile', 'email', 'phone'] as const;
export type RecipientType = (typeof RECIPIENT_TYPES)[number];

export const MAX_CLAIMS = 200;
export const MAX_CLAIM_VALUE_LENGTH = 4096;

/** A DID referenced by an event: its platform id, the DID value and its display name. */
export class DidRef {
  @IsUUID()
  id!: string;

  @IsString()
  @MaxLength(2048)
  did!: string;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  name?: string;
}

/** One claim of a credential: its name (path) and, where search needs it, its value. */
export class Claim {
  @IsString()
  @MaxLength(256)
  name!: string;

  @IsOptional()
  @IsString()
  @MaxLength(MAX_CLAIM_VALUE_LENGTH)
  value?: string;
}

export class Recipient {
  @IsIn(RECIPIENT_TYPES)
  type!: RecipientType;

  @IsString()
  @MaxLength(512)
  identifier!: string;
}


/** Maximum number of items in id lists carried by events (claim names, key ids, schema ids, credentials used). */
export const MAX_LIST_ITEMS = 200;

/**
 * A credential whose claims were used (in a proof or a presentation): its id and its credential schema id,
 * so that history can find proofs by credential (`credentialId`) and by credential schema (`credentialSchemaId`).
 */
export class CredentialRef {
  @IsUUID()
  credentialId!: string;

  @IsUUID()
  schemaId!: string;
}
