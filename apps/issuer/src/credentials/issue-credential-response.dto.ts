import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CommandResultDto } from '@cep/producer-sdk';

/** `POST /v1/credentials`: the command result plus what the recipient's wallet needs to claim the offer. */
export class IssueCredentialResultDto extends CommandResultDto {
  @ApiProperty({ format: 'uuid', example: '0193a4f2-7b00-7c11-8d22-3e4f5a6b7c8d' })
  credentialId!: string;

  @ApiProperty({ format: 'uuid', description: 'the issuance\'s id in the credential activity API', example: '0193a4f2-7b01-7c11-8d22-3e4f5a6b7c8e' })
  activityId!: string;

  @ApiProperty({ format: 'date-time', example: '2026-03-04T22:30:00.000Z' })
  offerExpiresAt!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'the offer as the wallet receives it: the credential\'s state-change data, the issuing organisation and `preAuthorizedCode` (OpenID4VCI: high-entropy, single use, expires with the offer; the issuer stores only its hash)',
  })
  offer!: Record<string, unknown>;

  @ApiPropertyOptional({
    description: 'transaction code of an email/phone offer (6 digits), which the holder gives with the claim; delivered out of band in a real deployment, returned here for the demo and tests',
    example: '042917',
  })
  txCode?: string;
}
