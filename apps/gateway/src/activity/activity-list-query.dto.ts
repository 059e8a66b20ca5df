import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ACTIVITY_EVENT_TYPES, type ActivityEventType } from '@cep/activity';
import { ActivityFilterQueryDto } from './activity-filter-query.dto';

/** `GET /v1/activity/credentials`: newest first with `cursor`, or oldest first after a position with `after`. */
export class ActivityListQueryDto extends ActivityFilterQueryDto {
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit = 25;

  /** Opaque keyset cursor (newest-first mode) from the previous page's `cursor`. */
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;

  /** Polling mode: `0` for the beginning, then the previous response's `cursor`. Records oldest first. */
  @IsOptional()
  @IsString()
  @MaxLength(512)
  after?: string;

  @IsOptional()
  @IsString()
  @MaxLength(1024)
  boostUri?: string;

  @IsOptional()
  @IsIn(ACTIVITY_EVENT_TYPES)
  eventType?: ActivityEventType;
}
