import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { Claim, DidRef, ISSUANCE_SOURCES, MAX_CLAIMS, PROFILES, Recipient, type IssuanceSource, type Profile } from '@cep/contracts';

export class IssueCredentialDto {
  @IsOptional()
  @IsUUID()
  credentialId?: string;

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

  @IsArray()
  @ArrayMaxSize(MAX_CLAIMS)
  @ValidateNested({ each: true })
  @Type(() => Claim)
  claims!: Claim[];

  @ValidateNested()
  @Type(() => DidRef)
  issuerDid!: DidRef;

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

  @IsOptional()
  @IsIn(ISSUANCE_SOURCES)
  source?: IssuanceSource;

  /** Offer validity in days (default 30). */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(365)
  offerExpiresInDays?: number;
}
