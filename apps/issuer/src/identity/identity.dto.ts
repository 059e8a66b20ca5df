import { ArrayMaxSize, ArrayUnique, IsArray, IsBoolean, IsOptional, IsString, IsUrl, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { MAX_LIST_ITEMS } from '@cep/contracts';

export class CreateKeyDto {
  @IsOptional()
  @IsUUID()
  keyId?: string;

  @IsString()
  @MinLength(1)
  @MaxLength(256)
  name!: string;

  /** e.g. `EDDSA`, `ECDSA`, `BBS_PLUS`. */
  @IsString()
  @Matches(/^[A-Z0-9_]{2,64}$/, { message: 'keyType must be an upper-case key type such as EDDSA or ECDSA' })
  keyType!: string;

  /** e.g. `INTERNAL`, `AZURE_VAULT`, `SECURE_ELEMENT`. */
  @IsString()
  @Matches(/^[A-Z0-9_]{2,64}$/, { message: 'storageType must be an upper-case storage type such as INTERNAL' })
  storageType!: string;

  /** The key material was imported rather than generated (KeyEvent `Import` instead of `Create`). */
  @IsOptional()
  @IsBoolean()
  imported?: boolean;
}

export class CreateDidDto {
  @IsOptional()
  @IsUUID()
  didId?: string;

  @IsString()
  @Matches(/^did:[a-z0-9]+:\S+$/, { message: 'did must be a DID such as did:key:z6Mk…' })
  @MaxLength(2048)
  did!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(256)
  name!: string;

  /** e.g. `KEY`, `WEB`, `JWK`. */
  @IsString()
  @Matches(/^[A-Z0-9_]{2,64}$/, { message: 'method must be an upper-case DID method such as KEY or WEB' })
  method!: string;

  @IsArray()
  @ArrayMaxSize(MAX_LIST_ITEMS)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  keyIds!: string[];
}

export class UpdateDidDto {
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_LIST_ITEMS)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  keyIds?: string[];
}

export class CreateOrganisationDto {
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  name!: string;
}

export class CreateTrustAnchorDto {
  @IsOptional()
  @IsUUID()
  trustAnchorId?: string;

  @IsString()
  @MinLength(1)
  @MaxLength(256)
  name!: string;

  /** e.g. `SIMPLE_TRUST_LIST`. */
  @IsString()
  @Matches(/^[A-Z0-9_]{2,64}$/, { message: 'type must be an upper-case trust management type such as SIMPLE_TRUST_LIST' })
  type!: string;

  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  @MaxLength(2048)
  publisherReference?: string;
}

export class CreateTrustEntityDto {
  @IsOptional()
  @IsUUID()
  trustEntityId?: string;

  @IsString()
  @MinLength(1)
  @MaxLength(256)
  name!: string;

  @IsUUID()
  trustAnchorId!: string;

  @IsOptional()
  @IsUUID()
  didId?: string;
}
