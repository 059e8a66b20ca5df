import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsOptional, IsString, MaxLength } from 'class-validator';
import { ActivityFilterQueryDto } from './activity-filter-query.dto';

/** `GET /v1/activity/credentials/stats`. `boostUris` accepts `boostUris[]=a&boostUris[]=b` or a repeated/single `boostUris=a`. */
export class ActivityStatsQueryDto extends ActivityFilterQueryDto {
  @IsOptional()
  @Transform(({ value }) => (value === undefined ? undefined : Array.isArray(value) ? value : [value]))
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(1024, { each: true })
  boostUris?: string[];
}
