import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsDefined, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { CredentialRef, DidRef, MAX_LIST_ITEMS, WalletCredentialEventData } from '@cep/contracts';

/**
 * A credential offer as the issuer hands it to the wallet (the `offer` of the issuer's issue response): the
 * issuance's fields, `issuerOrganisationId`, and `actorProfileId` = the sending profile.
 */
export const CredentialOfferDto = WalletCredentialEventData;
export type CredentialOfferDto = WalletCredentialEventData;

export class ClaimCredentialDto {
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

export class RejectCredentialDto {
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
