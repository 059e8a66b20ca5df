import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { Claim, DidRef, ISSUANCE_SOURCES, MAX_CLAIMS, PROFILES, Recipient, type IssuanceSource, type Profile } from '@cep/contracts';

export class IssueCredentialDto {
  /** Client-chosen id; a UUIDv7 is generated otherwise. */
  @IsOptional()
  @IsUUID()
  credentialId?: string;

  @IsUUID()
  schemaId!: string;

  /**
   * Display name of the schema. Taken from the credential schema when this issuer knows it; required only for a
   * schema managed outside this issuer.
   */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  schemaName?: string;

  @IsIn(PROFILES)
  profile!: Profile;

  @IsString()
  @MinLength(1)
  @MaxLength(256)
  credentialType!: string;

  @IsArray()
  @ArrayMaxSize(MAX_CLAIMS)
  @ValidateNested({ each: true })
  @Type(() => Claim)
  claims!: Claim[];

  @IsDefined()
  @ValidateNested()
  @Type(() => DidRef)
  issuerDid!: DidRef;

  @IsDefined()
  @ValidateNested()
  @Type(() => Recipient)
  recipient!: Recipient;

  /** Template URI (the activity seed's `boostUri`). */
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  boostUri?: string;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  integrationId?: string;

  @IsOptional()
  @IsIn(ISSUANCE_SOURCES)
  source?: IssuanceSource;

  /** Offer validity in days (default OFFER_EXPIRY_DAYS, 30). */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(365)
  offerExpiresInDays?: number;
}

/** Optional body of revoke / suspend / reactivate / reject / delete. */
export class CredentialTransitionDto {
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  reason?: string;
}

/** Body of accept: who holds the credential now and where it is. */
export class AcceptCredentialDto {
  @IsOptional()
  @ValidateNested()
  @Type(() => DidRef)
  holderDid?: DidRef;

  @IsOptional()
  @IsString()
  @MaxLength(1024)
  credentialUri?: string;
}

/** Body of the delivery channel's failure callback. */
export class DeliveryFailedDto {
  @IsString()
  @MinLength(1)
  @MaxLength(2048)
  error!: string;
}
