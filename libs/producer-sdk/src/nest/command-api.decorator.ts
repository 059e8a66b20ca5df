import { HTTP_CODE_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { ApiHeader, ApiProperty, ApiResponse } from '@nestjs/swagger';
import { ApiErrors } from '@cep/platform';

/** What every command answers: the aggregate, its version after the command, and the events it appended. */
export class CommandResultDto {
  @ApiProperty({ format: 'uuid', description: 'the aggregate the command applied to', example: '0193a4f2-7b00-7c11-8d22-3e4f5a6b7c8d' })
  id!: string;

  @ApiProperty({ description: 'the aggregate\'s version after the command', example: 3 })
  version!: number;

  @ApiProperty({ type: [String], description: 'types of the events appended (published through the outbox)', example: ['credential.revoked'] })
  events!: string[];
}

const RESPONSES_KEY = 'swagger/apiResponse';
const HEADER_PATTERN = '^[A-Za-z0-9._:-]{1,128}$';

/**
 * Documents every route of a producer controller: the success status of the route (`@HttpCode`) answering
 * {@link CommandResultDto} (or `result`, a subclass for controllers whose commands return more) unless the route
 * documents its own success body, the command errors (400 invalid,
 * 404 unknown aggregate, 409 illegal transition or concurrent change, 413/415 body), and the optional
 * correlation headers the command context reads.
 */
export function ApiCommandController(result: new () => CommandResultDto = CommandResultDto): ClassDecorator {
  return (target) => {
    const proto = (target as unknown as { prototype: Record<string, unknown> }).prototype;
    for (const key of Object.getOwnPropertyNames(proto)) {
      const fn = proto[key];
      if (key === 'constructor' || typeof fn !== 'function' || Reflect.getMetadata(METHOD_METADATA, fn) === undefined) continue;
      const descriptor = Object.getOwnPropertyDescriptor(proto, key)!;
      const documented = (Reflect.getMetadata(RESPONSES_KEY, fn) ?? {}) as Record<string, unknown>;
      const method = Reflect.getMetadata(METHOD_METADATA, fn) as RequestMethod;
      const status = (Reflect.getMetadata(HTTP_CODE_METADATA, fn) as number | undefined) ?? (method === RequestMethod.POST ? 201 : 200);
      const decorators: MethodDecorator[] = [
        ApiErrors(400, 404, 409, 413, 415),
        ApiHeader({ name: 'x-correlation-id', required: false, description: 'correlation id carried by the events (generated when absent)', schema: { type: 'string', pattern: HEADER_PATTERN } }),
        ApiHeader({ name: 'x-call-id', required: false, description: 'id of this call, carried by the events as `callId` (else `x-request-id`, else generated)', schema: { type: 'string', pattern: HEADER_PATTERN } }),
      ];
      if (!Object.keys(documented).some((s) => s.startsWith('2'))) decorators.push(ApiResponse({ status, type: result, description: 'the command was applied' }));
      for (const d of decorators) d(proto, key, descriptor);
    }
  };
}
