import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ACTIVITY_EVENT_TYPES, type ActivityEventType } from '@cep/activity';

/** One event of a credential issuance's activity (the reference credential-activity API's record). */
export class CredentialActivityDto {
  @ApiProperty({ format: 'uuid', example: '0193a4f2-8c1e-7d3a-9b2f-5e6d7c8b9a01' })
  id!: string;

  @ApiProperty({ format: 'uuid', description: 'the issuance; every event of one issuance shares it', example: '0193a4f2-7b00-7c11-8d22-3e4f5a6b7c8d' })
  activityId!: string;

  @ApiProperty({ enum: ACTIVITY_EVENT_TYPES, example: 'CLAIMED' })
  eventType!: ActivityEventType;

  @ApiProperty({ format: 'date-time', example: '2026-02-25T22:30:00.000Z' })
  timestamp!: string;

  @ApiProperty({ example: 'acme-issuer' })
  actorProfileId!: string;

  @ApiProperty({ example: 'email' })
  recipientType!: string;

  @ApiProperty({ example: 'ada@example.com' })
  recipientIdentifier!: string;

  @ApiPropertyOptional({ example: 'urn:boost:employee-badge' })
  boostUri?: string;

  @ApiPropertyOptional({ example: 'urn:credential:0193a4f2-7b00-7c11-8d22-3e4f5a6b7c8d' })
  credentialUri?: string;

  @ApiPropertyOptional({ example: 'inbox-42' })
  inboxCredentialId?: string;

  @ApiPropertyOptional({ example: 'hr-system' })
  integrationId?: string;

  @ApiProperty({ example: 'send' })
  source!: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: '`credentialId`, and `error` for FAILED', example: { credentialId: '0193a4f2-7b00-7c11-8d22-3e4f5a6b7c8d' } })
  metadata?: Record<string, unknown>;
}

/** `GET /v1/activity/credentials`: a page of records. */
export class ActivityPageDto {
  @ApiProperty({ type: [CredentialActivityDto] })
  records!: CredentialActivityDto[];

  @ApiProperty({ example: false })
  hasMore!: boolean;

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'newest-first mode: the next page\'s cursor (null on the last page); `after` mode: the position to poll from next',
    example: null,
  })
  cursor!: string | null;
}

export class TimeToClaimDto {
  @ApiProperty({ description: 'issuances with both a send and a claim', example: 3 })
  count!: number;

  @ApiProperty({ type: 'number', nullable: true, example: 3600000 })
  medianMs!: number | null;

  @ApiProperty({ type: 'number', nullable: true, example: 7200000 })
  p90Ms!: number | null;
}

/** `GET /v1/activity/credentials/stats`. */
export class ActivityStatsDto {
  @ApiProperty({ description: 'issuances', example: 10 })
  total!: number;

  @ApiProperty({ description: 'events of those issuances', example: 24 })
  totalEvents!: number;

  @ApiProperty({ example: 10 })
  created!: number;

  @ApiProperty({ example: 8 })
  delivered!: number;

  @ApiProperty({ example: 5 })
  claimed!: number;

  @ApiProperty({ example: 1 })
  expired!: number;

  @ApiProperty({ example: 1 })
  failed!: number;

  @ApiProperty({ description: 'percent: claimed / (created + delivered + claimed) × 100, rounded to two decimals (0 when all three are 0; docs/activity.md)', example: 50 })
  claimRate!: number;

  @ApiProperty({ type: TimeToClaimDto })
  timeToClaim!: TimeToClaimDto;
}
