import { IsOptional, IsString, IsUrl, IsUUID, MaxLength, MinLength } from 'class-validator';

export class CreateProviderDto {
  @IsOptional()
  @IsUUID()
  providerId?: string;

  @IsString()
  @MinLength(1)
  @MaxLength(256)
  name!: string;

  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  @MaxLength(2048)
  issuerUrl?: string;
}

export class UpdateProviderDto {
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  name?: string;

  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  @MaxLength(2048)
  issuerUrl?: string;
}

/** A login attempt through the provider (reported by the Bridge login flow). */
export class LoginInteractionDto {
  @IsOptional()
  @IsUUID()
  interactionId?: string;

  /** End user who attempted to log in, when known. */
  @IsOptional()
  @IsString()
  @MaxLength(512)
  subject?: string;

  /** Present when the login failed. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(2048)
  error?: string;
}
