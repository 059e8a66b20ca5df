import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength } from 'class-validator';
import {
  HISTORY_ENTRY_ACTIONS,
  HISTORY_ENTRY_ENTITY_TYPES,
  HISTORY_ENTRY_SOURCES,
  HISTORY_SORT_FIELDS,
  SEARCH_TYPE_NAMES,
  SORT_DIRECTIONS,
  type HistorySortField,
  type SearchType,
  type SortDirection,
} from '@cep/history';

/** `x=A`, `x[]=A&x[]=B`, `x[0]=A`: always an array (anything else fails `IsArray` and names the parameter). */
const AsArray = () => Transform(({ value }) => (value === undefined || Array.isArray(value) || typeof value === 'object' ? value : [value]));
const MAX_LIST = 100;
const ISO = { strict: true, strictSeparator: true } as const;

/**
 * Query of `GET /api/history/v1` (seed 003 plus the newer parameter names). Unknown parameters are rejected by
 * the global PlatformValidationPipe (400 naming the parameter), as are malformed values.
 */
export class HistoryListQueryDto {
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  page = 0;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  pageSize = 50;

  /** Opaque keyset cursor (`nextCursor` of the previous page); alternative to `page`. */
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  cursor?: string;

  @IsOptional()
  @IsString()
  @MaxLength(128)
  organisationId?: string;

  @IsOptional()
  @IsISO8601(ISO)
  createdDateFrom?: string;

  @IsOptional()
  @IsISO8601(ISO)
  createdDateTo?: string;

  @IsOptional()
  @IsISO8601(ISO)
  createdDateAfter?: string;

  @IsOptional()
  @IsISO8601(ISO)
  createdDateBefore?: string;

  @IsOptional()
  @IsIn(HISTORY_ENTRY_ACTIONS)
  action?: string;

  @IsOptional()
  @AsArray()
  @IsArray()
  @ArrayMaxSize(MAX_LIST)
  @IsIn(HISTORY_ENTRY_ACTIONS, { each: true })
  actions?: string[];

  /** Seed 003 prose names `entityType`; the curl examples use `entityTypes`. Both are accepted. */
  @IsOptional()
  @IsIn(HISTORY_ENTRY_ENTITY_TYPES)
  entityType?: string;

  @IsOptional()
  @AsArray()
  @IsArray()
  @ArrayMaxSize(MAX_LIST)
  @IsIn(HISTORY_ENTRY_ENTITY_TYPES, { each: true })
  entityTypes?: string[];

  @IsOptional()
  @IsUUID('all')
  entityId?: string;

  @IsOptional()
  @AsArray()
  @IsArray()
  @ArrayMaxSize(MAX_LIST)
  @IsUUID('all', { each: true })
  entityIds?: string[];

  @IsOptional()
  @IsUUID('all')
  credentialSchemaId?: string;

  @IsOptional()
  @IsUUID('all')
  proofSchemaId?: string;

  @IsOptional()
  @IsUUID('all')
  didId?: string;

  @IsOptional()
  @IsUUID('all')
  identifierId?: string;

  @IsOptional()
  @IsUUID('all')
  credentialId?: string;

  @IsOptional()
  @IsUUID('all')
  proofId?: string;

  @IsOptional()
  @IsUUID('all')
  providerId?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  searchText?: string;

  @IsOptional()
  @IsIn(SEARCH_TYPE_NAMES)
  searchType?: SearchType;

  @IsOptional()
  @IsIn(HISTORY_ENTRY_SOURCES)
  source?: string;

  @IsOptional()
  @AsArray()
  @IsArray()
  @ArrayMaxSize(MAX_LIST)
  @IsIn(HISTORY_ENTRY_SOURCES, { each: true })
  sources?: string[];

  @IsOptional()
  @IsIn(HISTORY_SORT_FIELDS)
  sort?: HistorySortField;

  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.toUpperCase() : value))
  @IsIn(SORT_DIRECTIONS)
  sortDirection?: SortDirection;
}
