import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

/** Route parameter `:id`, validated by the global pipe (400 with `location: "params"` details). */
export class UuidParam {
  @ApiProperty({ format: 'uuid', description: 'the aggregate' })
  @IsUUID()
  id!: string;
}
