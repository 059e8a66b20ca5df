import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';

/** `GET /v1/activity/credentials/stats`. `boostUris` accepts `boostUris[]=a&boostUris[]=b` or a repeated/single `boostUris=a`. */
export class ActivityStatsQueryDto {
  @IsOptional()
  @Transform(({ value }) => (value === undefined ? undefined : Array.isArray(value) ? value : [value]))
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(1024, { each: true })
  boostUris?: string[];

  @IsOptional()
  @IsString()
  @MaxLength(256)
  integrationId?: string;

  @IsOptional()
  @IsISO8601({ strict: true })
  startDate?: string;

  @IsOptional()
  @IsISO8601({ strict: true })
  endDate?: string;
}
