import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { SESSION_STATUSES, WALLET_EVENT_TYPES } from '@cep/contracts';
import { GROUP_BY_PATH_NAMES, type EventLogFilter } from '@cep/event-log';
import { INPUT_LIMITS } from '@cep/platform';

/** Published `eventType` values a filter may name. */
export const FILTERABLE_EVENT_TYPES = ['VerificationEvent', 'IssuanceEvent', 'KeyEvent', 'DIDEvent', ...WALLET_EVENT_TYPES];

/** Largest timestamp accepted (ms): the end of the documented date range (2999-12-31T23:59:59.999Z). */
const MAX_TIMESTAMP_MS = INPUT_LIMITS.maxDateMs;

/**
 * The event-log filter (seed 001 facts). Unknown fields are a 400 naming them (global pipe, forbidNonWhitelisted);
 * types are strict in a JSON body (a string `"limit": "10"` is a 400). `organization` may only name the caller's
 * own organisation (403 otherwise): results are always the caller's organisation.
 */
export class EventFilterDto {
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(20)
  @IsIn(FILTERABLE_EVENT_TYPES, { each: true })
  eventType?: string[];

  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(3)
  @IsIn(SESSION_STATUSES, { each: true })
  status?: string[];

  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(128, { each: true })
  action?: string[];

  /** Unix ms, inclusive. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_TIMESTAMP_MS)
  fromTimestamp?: number;

  /** Unix ms, inclusive. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_TIMESTAMP_MS)
  toTimestamp?: number;

  @IsOptional()
  @IsString()
  @MaxLength(128)
  callId?: string;

  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(256, { each: true })
  target?: string[];

  @IsOptional()
  @IsString()
  @MaxLength(256)
  sessionId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(128)
  format?: string;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  credentialType?: string;

  /** May be `""` (the seed's verifier publishes an empty algorithm while it is unknown). */
  @IsOptional()
  @IsString()
  @MaxLength(128)
  signatureAlgorithm?: string;

  /** Accepted for compatibility; must be the caller's organisation. */
  @IsOptional()
  @IsString()
  @MaxLength(128)
  organization?: string;
}

/** Body of `POST /v1/events/query`. */
export class EventQueryBodyDto extends EventFilterDto {
  /** 1..1000, default 100. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  /** `nextCursor` of the previous page. */
  @IsOptional()
  @IsString()
  @MaxLength(256)
  cursor?: string;
}

/** Query string of `POST /v1/events/query`. */
export class EventQueryParamsDto {
  /** Field path to count by; answers `[{_id, count}]` instead of a page. */
  @IsOptional()
  @IsIn(GROUP_BY_PATH_NAMES, { message: `groupBy must be one of: ${GROUP_BY_PATH_NAMES.join(', ')}` })
  groupBy?: string;
}

// Query strings carry strings: one value or repeated keys (`status=Open&status=Success`).
const toList = () => Transform(({ value }) => (typeof value === 'string' ? [value] : value));
const toInteger = () => Transform(({ value }) => (typeof value === 'string' && /^-?\d{1,16}$/.test(value) ? Number(value) : value));

/** Query string of `GET /v1/events/stream`: the same filters, plus `lastEventId` (for clients that cannot set the header). */
export class EventStreamQueryDto extends EventFilterDto {
  @toList()
  declare eventType?: string[];

  @toList()
  declare status?: string[];

  @toList()
  declare action?: string[];

  @toList()
  declare target?: string[];

  @toInteger()
  declare fromTimestamp?: number;

  @toInteger()
  declare toTimestamp?: number;

  /** Resume after this event (its `_id`, the SSE `id:`; `0`: the whole log); the `Last-Event-ID` header wins when both are sent. */
  @IsOptional()
  @IsString()
  @Matches(/^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|0)$/, { message: 'lastEventId must be the id of an event received from this stream (or 0)' })
  lastEventId?: string;
}

/** The service-level filter from a validated DTO (drops `organization`, `limit`, `cursor`, `lastEventId`). */
export function toEventLogFilter(d: EventFilterDto): EventLogFilter {
  return {
    eventType: d.eventType,
    status: d.status,
    action: d.action,
    fromTimestamp: d.fromTimestamp,
    toTimestamp: d.toTimestamp,
    callId: d.callId,
    target: d.target,
    sessionId: d.sessionId,
    format: d.format,
    credentialType: d.credentialType,
    signatureAlgorithm: d.signatureAlgorithm,
  };
}
