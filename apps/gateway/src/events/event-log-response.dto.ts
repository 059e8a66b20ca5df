import { ApiProperty } from '@nestjs/swagger';
import { SESSION_STATUSES } from '@cep/contracts';
import { ApiAdditionalProperties } from '@cep/platform';

class TypeDto {
  @ApiProperty({ example: 'init_session' })
  type!: string;
}

class StatusDto {
  @ApiProperty({ enum: SESSION_STATUSES, example: 'Open' })
  type!: string;
}

export const VERIFICATION_EVENT_EXAMPLE = {
  type: 'cep.events.VerificationEvent',
  eventType: 'VerificationEvent',
  _id: '0193a4f2-8c1e-7d3a-9b2f-5e6d7c8b9a01',
  originator: null,
  organization: 'acme',
  target: 'acme.customer.verifier1',
  timestamp: 1741252466353,
  action: { type: 'init_session' },
  status: { type: 'Open' },
  callId: '9c2f6b21-4d3e-4f5a-8b6c-7d8e9f0a1b2c',
  error: null,
  sessionId: 'bec96d15-1a2b-4c3d-8e4f-5a6b7c8d9e0f',
  format: 'vc+sd-jwt',
  signatureAlgorithm: '',
  credentialType: 'identity_credential',
};

/**
 * One event exactly as published (the reference event API's shape, fields in its order). The fields every event
 * type has are listed; each type adds its own (`VerificationEvent`: `sessionId`, `format`, `signatureAlgorithm`,
 * `credentialType`; `IssuanceEvent`, `KeyEvent`, `DIDEvent` and the wallet events theirs; see docs/event-log.md).
 */
@ApiAdditionalProperties()
export class SessionEventDto {
  @ApiProperty({ example: 'cep.events.VerificationEvent' })
  type!: string;

  @ApiProperty({ example: 'VerificationEvent' })
  eventType!: string;

  @ApiProperty({ format: 'uuid', example: '0193a4f2-8c1e-7d3a-9b2f-5e6d7c8b9a01' })
  _id!: string;

  @ApiProperty({ type: 'string', nullable: true, example: null })
  originator!: string | null;

  @ApiProperty({ example: 'acme' })
  organization!: string;

  @ApiProperty({ example: 'acme.customer.verifier1' })
  target!: string;

  @ApiProperty({ description: 'Unix milliseconds', example: 1741252466353 })
  timestamp!: number;

  @ApiProperty({ type: TypeDto })
  action!: TypeDto;

  @ApiProperty({ type: StatusDto })
  status!: StatusDto;

  @ApiProperty({ type: 'string', nullable: true, description: 'the `x-call-id` of the producing call', example: '9c2f6b21-4d3e-4f5a-8b6c-7d8e9f0a1b2c' })
  callId!: string | null;

  @ApiProperty({ type: 'string', nullable: true, example: null })
  error!: string | null;

  [typeSpecific: string]: unknown;
}

/** `POST /v1/events/query`: a page, newest first. */
export class EventLogPageDto {
  @ApiProperty({ type: [SessionEventDto] })
  items!: SessionEventDto[];

  @ApiProperty({ type: 'string', nullable: true, description: 'send back as `cursor` for the next page; null on the last page', example: null })
  nextCursor!: string | null;
}

/** `POST /v1/events/query?groupBy=…`: one group. */
export class EventLogGroupDto {
  @ApiProperty({ type: 'string', nullable: true, description: 'the value of the grouped field (null: events without it)', example: 'Open' })
  _id!: string | null;

  @ApiProperty({ example: 12 })
  count!: number;
}
