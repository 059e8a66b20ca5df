import { ArrayMaxSize, ArrayUnique, IsArray, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { MAX_CLAIMS, MAX_LIST_ITEMS } from '@cep/contracts';

export class CreateProofSchemaDto {
  @IsOptional()
  @IsUUID()
  proofSchemaId?: string;

  @IsString()
  @MinLength(1)
  @MaxLength(256)
  name!: string;

  /** Credential schemas whose claims the proof requests. */
  @IsArray()
  @ArrayMaxSize(MAX_LIST_ITEMS)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  credentialSchemaIds!: string[];

  @IsArray()
  @ArrayMaxSize(MAX_CLAIMS)
  @ArrayUnique()
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(256, { each: true })
  claimNames!: string[];
}
