import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, MaxLength } from 'class-validator';
import { DateParam } from '@cep/platform';

/**
 * Body of POST /v1/events/credential-reports (seed field names). Shapes are checked here; the meaning
 * (offset range, calendar dates, range length, profiles, cursor) by the reports lib, which reports every
 * problem as a field detail.
 */
export class CredentialReportRequestDto {
  /** ISO-8601 offset: `+02:00`, `-05:00`, `+05:45`, `Z`. Exactly one of timezoneOffset / timeZone. */
  @IsOptional()
  @IsString()
  @MaxLength(16)
  timezoneOffset?: string;

  /** IANA zone name, e.g. `Europe/Berlin` (days of 23 or 25 hours across DST changes). */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timeZone?: string;

  /** First local date, inclusive, YYYY-MM-DD (1970-01-01 .. 2999-12-31). */
  @IsString()
  @MaxLength(10)
  @DateParam()
  startDate!: string;

  /** Last local date, inclusive, YYYY-MM-DD (1970-01-01 .. 2999-12-31). */
  @IsString()
  @MaxLength(10)
  @DateParam()
  endDate!: string;

  @IsArray()
  @ArrayMaxSize(16)
  @IsString({ each: true })
  @MaxLength(32, { each: true })
  profiles!: string[];

  /** Default 1000; 1..10000. */
  @IsOptional()
  @IsInt()
  limit?: number;

  @IsOptional()
  @IsString()
  @MaxLength(1024)
  cursor?: string;

  /** `json` (default) or `csv`; `Accept: text/csv` also selects CSV. */
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';

  /** Optional; must be the caller's own organisation when given (the tenant comes from the token). */
  @IsOptional()
  @IsString()
  @MaxLength(128)
  organisationId?: string;
}
