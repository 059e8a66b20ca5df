import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** One offending field of a 400: `{value, msg, param, location}` (the compatible reports API's shape). */
export class FieldErrorDto {
  @ApiProperty({
    description: 'the value received, any JSON value (null when absent or not echoed, e.g. hostile strings)',
    oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'object' }, { type: 'array', items: {} }, { type: 'null' }],
    example: '2026-02-30',
  })
  value!: unknown;

  @ApiProperty({ example: 'startDate must be a calendar date YYYY-MM-DD' })
  msg!: string;

  @ApiProperty({ description: 'the field, dotted for nested fields', example: 'startDate' })
  param!: string;

  @ApiProperty({ enum: ['body', 'query', 'params', 'headers'], example: 'body' })
  location!: 'body' | 'query' | 'params' | 'headers';
}

/** Every error body of every app: `{statusCode, code, message[, details]}`. */
export class ErrorResponseDto {
  @ApiProperty({ example: 400 })
  statusCode!: number;

  @ApiProperty({ description: 'stable machine-readable code', example: 'VALIDATION_ERROR' })
  code!: string;

  @ApiProperty({ example: 'startDate: startDate must be a calendar date YYYY-MM-DD' })
  message!: string;

  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'the offending fields (400s that name fields)' })
  details?: FieldErrorDto[];
}
