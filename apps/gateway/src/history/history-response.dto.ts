import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { HISTORY_ENTRY_ACTIONS, HISTORY_ENTRY_ENTITY_TYPES, HISTORY_ENTRY_SOURCES } from '@cep/history';

/** One history entry of a list. */
export class HistoryEntryDto {
  @ApiProperty({ format: 'uuid', example: '0193a4f2-8c1e-7d3a-9b2f-5e6d7c8b9a01' })
  id!: string;

  @ApiProperty({ format: 'date-time', example: '2026-02-25T22:30:00.000Z' })
  createdDate!: string;

  @ApiProperty({ enum: HISTORY_ENTRY_ACTIONS, example: 'ACCEPTED' })
  action!: string;

  @ApiProperty({ format: 'uuid', example: '0193a4f2-7b00-7c11-8d22-3e4f5a6b7c8d' })
  entityId!: string;

  @ApiProperty({ enum: HISTORY_ENTRY_ENTITY_TYPES, example: 'CREDENTIAL' })
  entityType!: string;

  @ApiProperty({ example: '9d3c1f0e-2b4a-4c6d-8e0f-1a2b3c4d5e6f' })
  organisationId!: string;

  @ApiProperty({ type: 'string', nullable: true, description: 'name of the entity when it has one (schema, key, DID …)', example: 'Employee Badge' })
  name!: string | null;

  @ApiProperty({ enum: HISTORY_ENTRY_SOURCES, example: 'CORE' })
  source!: string;

  @ApiProperty({ type: 'string', nullable: true, description: 'the counterpart (holder DID, verifier, …) when there is one', example: null })
  target!: string | null;
}

/** One entry with its `metadata` (`GET /api/history/v1/{id}`). */
export class HistoryDetailDto extends HistoryEntryDto {
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'event-specific details', example: { credentialSchemaId: '0193a4f2-6a00-7b11-8c22-2d3e4f5a6b7c' } })
  metadata!: Record<string, unknown>;
}

/** `GET /api/history/v1`: a page of entries, newest first by default. */
export class HistoryPageDto {
  @ApiProperty({ type: [HistoryEntryDto] })
  values!: HistoryEntryDto[];

  @ApiProperty({ example: 5 })
  totalItems!: number;

  @ApiProperty({ example: 1 })
  totalPages!: number;

  @ApiPropertyOptional({ enum: [true], description: 'present only when a text search matched more entries than the count cap: totalItems is then a lower bound' })
  totalItemsCapped?: true;

  @ApiProperty({ type: 'string', nullable: true, description: 'cursor of the next page (null on the last page)', example: null })
  nextCursor!: string | null;
}
