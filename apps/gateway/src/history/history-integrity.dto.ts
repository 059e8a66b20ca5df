import { ApiExtraModels, ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, Max, Min } from 'class-validator';
import { CHAIN_BREAKS, INTEGRITY_MAX_LINKS } from '@cep/history';

const ISO = { strict: true, strictSeparator: true } as const;

/** Query of `GET /api/history/v1/integrity` (docs/privacy.md "Tamper-evident history"). */
export class HistoryIntegrityQueryDto {
  /** Links that joined the chain at or after this time. */
  @IsOptional()
  @IsISO8601(ISO)
  from?: string;

  /** Links that joined the chain at or before this time. */
  @IsOptional()
  @IsISO8601(ISO)
  to?: string;

  /** Continue after this link number (`nextAfter` of the previous answer). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  after?: number;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(INTEGRITY_MAX_LINKS)
  limit = INTEGRITY_MAX_LINKS;
}

export class IntegrityBreakDto {
  @ApiProperty({ type: 'string', nullable: true, description: 'number of the first broken link (decimal string); null for an entry outside the chain', example: '1042' })
  seq!: string | null;

  @ApiProperty({ type: 'string', nullable: true, format: 'uuid', description: 'the entry of that link, or the entry outside the chain', example: '0193a4f2-8c1e-7d3a-9b2f-5e6d7c8b9a01' })
  entryId!: string | null;

  @ApiProperty({ enum: CHAIN_BREAKS, example: 'entry_modified' })
  reason!: string;
}

/** `GET /api/history/v1/integrity`: the verification of the caller's organisation's chain over the range. */
@ApiExtraModels(IntegrityBreakDto)
export class HistoryIntegrityDto {
  @ApiProperty({ description: 'true when every link checked is intact (and, for a whole-chain check, none is missing and no entry is outside the chain)', example: true })
  valid!: boolean;

  @ApiProperty({ example: 1042 })
  checkedLinks!: number;

  @ApiProperty({ description: 'signed checkpoints among the links, signatures verified', example: 2 })
  checkedCheckpoints!: number;

  @ApiProperty({ type: 'integer', nullable: true, example: 1 })
  firstSeq!: number | null;

  @ApiProperty({ type: 'integer', nullable: true, example: 1042 })
  lastSeq!: number | null;

  @ApiProperty({ type: 'string', nullable: true, description: 'SHA-256 (hex) of the last link checked', example: '9f2c…' })
  lastHash!: string | null;

  @ApiProperty({ description: 'the organisation\'s newest link number (0: nothing chained yet)', example: 1042 })
  headSeq!: number;

  @ApiProperty({ description: 'false when `limit` links were checked and more follow: call again with `after=nextAfter`', example: true })
  complete!: boolean;

  @ApiProperty({ type: 'integer', nullable: true, example: null })
  nextAfter!: number | null;

  @ApiProperty({ type: [String], description: 'ids of the keys that signed the checkpoints checked', example: ['3b9f0c1d2e4a5b6c7d8e9f0a1b2c3d4e'] })
  keyIds!: string[];

  @ApiProperty({ allOf: [{ $ref: getSchemaPath(IntegrityBreakDto) }], nullable: true, description: 'the first broken link, null when valid' })
  firstBroken!: IntegrityBreakDto | null;
}
