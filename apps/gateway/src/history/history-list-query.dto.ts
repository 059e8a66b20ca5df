import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export class HistoryListQueryDto {
  @Type(() => Number)
  @IsInt()
  @Min(0)
  page = 0;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  pageSize = 50;

  @IsOptional()
  @IsString()
  @MaxLength(128)
  organisationId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  entityId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  action?: string;
}
