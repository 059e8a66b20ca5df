import { IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';

/** Filters shared by the activity list and stats queries: integration and time window. */
export class ActivityFilterQueryDto {
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
