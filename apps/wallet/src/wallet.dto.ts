import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsDefined, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { CredentialRef, DidRef, MAX_LIST_ITEMS, WalletCredentialEventData } from '@cep/contracts';

const CODE = /^[A-Za-z0-9_-]{16,256}$/;

/**
 * A credential offer as the issuer hands it to the wallet (the `offer` of the issuer's issue response): the
 * issuance's fields, `issuerOrganisationId`, `actorProfileId` = the sending profile, and the offer's OpenID4VCI
 * `preAuthorizedCode` (required to receive it; the wallet keeps only its hash). Hash fields given by the caller
 * are ignored: the wallet computes them from the codes.
 */
export class CredentialOfferDto extends WalletCredentialEventData {
  @IsOptional()
  @IsString()
  @Matches(CODE, { message: 'preAuthorizedCode must be the offer\'s pre-authorized code (16 to 256 base64url characters)' })
  preAuthorizedCode?: string;
}

/** The proof of the offer a claim or rejection carries (OpenID4VCI pre-authorized code flow). */
export class OfferCodeDto {
  /** The offer's pre-authorized code; may be omitted when the wallet received the offer (it kept the code's hash). */
  @IsOptional()
  @IsString()
  @Matches(CODE, { message: 'preAuthorizedCode must be the offer\'s pre-authorized code (16 to 256 base64url characters)' })
  preAuthorizedCode?: string;

  /** The transaction code of an email/phone offer (sent to the recipient out of band). */
  @IsOptional()
  @IsString()
  @Matches(/^[0-9]{4,8}$/, { message: 'txCode must be the offer\'s 4 to 8 digit transaction code' })
  txCode?: string;
}

export class ClaimCredentialDto extends OfferCodeDto {
  /** Required when the wallet has not received the offer before (email / phone recipients claiming from a link). */
  @IsOptional()
  @ValidateNested()
  @Type(() => CredentialOfferDto)
  offer?: CredentialOfferDto;

  @IsOptional()
  @ValidateNested()
  @Type(() => DidRef)
  holderDid?: DidRef;
}

export class RejectCredentialDto extends OfferCodeDto {
  @IsOptional()
  @ValidateNested()
  @Type(() => CredentialOfferDto)
  offer?: CredentialOfferDto;

  @IsOptional()
  @IsString()
  @MaxLength(1024)
  reason?: string;
}

export class SharePresentationDto {
  @IsString()
  @MinLength(1)
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

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_LIST_ITEMS)
  @ValidateNested({ each: true })
  @Type(() => CredentialRef)
  credentials!: CredentialRef[];

  /** Where the presentation request came from (PresentationWalletEvent `presentationRequestUrl`). */
  @IsOptional()
  @IsString()
  @MaxLength(8192)
  presentationRequestUrl?: string;
}

export class CreateBackupDto {
  @IsOptional()
  @IsUUID()
  backupId?: string;

  @IsString()
  @MinLength(1)
  @MaxLength(256)
  name!: string;
}

export class CreateWalletKeyDto {
  @IsOptional()
  @IsUUID()
  keyId?: string;

  /** e.g. `Ed25519`, `secp256r1`. */
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  keyAlgorithm!: string;

  @IsOptional()
  @IsBoolean()
  imported?: boolean;
}

export class CreateWalletDidDto {
  @IsOptional()
  @IsUUID()
  didId?: string;

  @IsString()
  @Matches(/^did:[a-z0-9]+:\S+$/, { message: 'did must be a DID such as did:key:z6Mk…' })
  @MaxLength(8192)
  did!: string;
}
