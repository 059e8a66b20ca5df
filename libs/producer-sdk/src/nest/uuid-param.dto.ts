import { IsUUID } from 'class-validator';

/** Route parameter `:id`, validated by the global pipe (400 with `location: "params"` details). */
export class UuidParam {
  @IsUUID()
  id!: string;
}
