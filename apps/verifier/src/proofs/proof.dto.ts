import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDefined, IsOptional, IsString, IsUUID, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { Claim, CredentialRef, DidRef, MAX_CLAIMS, MAX_LIST_ITEMS } from '@cep/contracts';

export class CreateProofDto {
  @IsOptional()
  @IsUUID()
  proofId?: string;

  @IsUUID()
  proofSchemaId!: string;

  @IsDefined()
  @ValidateNested()
  @Type(() => DidRef)
  verifierDid!: DidRef;

  /** Format of the credential to verify (VerificationEvent `format`), e.g. `vc+sd-jwt`, `mso_mdoc`. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  format?: string;

  /** Type of the credential to verify (VerificationEvent `credentialType`), e.g. `identity_credential`. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  credentialType?: string;
}

/** The holder's presentation. */
export class ShareProofDto {
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

  @IsArray()
  @ArrayMaxSize(MAX_CLAIMS)
  @ValidateNested({ each: true })
  @Type(() => Claim)
  claims!: Claim[];
}

/** The verifier's decision on a presentation. */
export class ProofDecisionDto {
  /** Signature algorithm of the verified presentation (VerificationEvent `signatureAlgorithm`), e.g. `ES256`. */
  @IsOptional()
  @IsString()
  @MaxLength(128)
  signatureAlgorithm?: string;

  @IsOptional()
  @IsString()
  @MaxLength(1024)
  reason?: string;
}

export class ProofErrorDto {
  @IsString()
  @MinLength(1)
  @MaxLength(2048)
  error!: string;
}
