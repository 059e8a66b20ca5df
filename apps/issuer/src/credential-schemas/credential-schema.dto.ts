import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { MAX_CLAIMS, PROFILES, type Profile } from '@cep/contracts';

export class CreateCredentialSchemaDto {
  /** Client-chosen id (idempotent retries get 409); a UUIDv7 is generated otherwise. */
  @IsOptional()
  @IsUUID()
  schemaId?: string;

  @IsString()
  @MinLength(1)
  @MaxLength(256)
  name!: string;

  @IsIn(PROFILES)
  profile!: Profile;

  @IsString()
  @MinLength(1)
  @MaxLength(256)
  credentialType!: string;

  @IsArray()
  @ArrayMaxSize(MAX_CLAIMS)
  @ArrayUnique()
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(256, { each: true })
  claimNames!: string[];
}
