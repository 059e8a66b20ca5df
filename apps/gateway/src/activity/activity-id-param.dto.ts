import { IsUUID } from 'class-validator';

export class ActivityIdParamDto {
  @IsUUID()
  activityId!: string;
}
