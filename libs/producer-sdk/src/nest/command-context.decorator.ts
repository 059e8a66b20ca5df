import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { randomUUID } from 'crypto';
import type { Principal } from '@cep/auth';
import type { CommandContext } from '../command-context';

const HEADER_VALUE = /^[A-Za-z0-9._:-]{1,128}$/;

function header(req: { headers?: Record<string, unknown> }, name: string): string | undefined {
  const v = req.headers?.[name];
  return typeof v === 'string' && HEADER_VALUE.test(v) ? v : undefined;
}

/** Builds the {@link CommandContext} from the authenticated principal (tenant from the token only) and headers. */
export function commandContextOf(req: { principal?: Principal; headers?: Record<string, unknown> }): CommandContext {
  const p = req.principal;
  if (!p) throw new Error('CommandCtx used on a route without authentication');
  return {
    organisationId: p.organisationId,
    actorProfileId: p.subject ?? 'unknown',
    correlationId: header(req, 'x-correlation-id') ?? randomUUID(),
    callId: header(req, 'x-call-id') ?? header(req, 'x-request-id') ?? randomUUID(),
  };
}

/** Route parameter decorator: `@CommandCtx() ctx: CommandContext`. */
export const CommandCtx = createParamDecorator((_: unknown, ctx: ExecutionContext): CommandContext =>
  commandContextOf(ctx.switchToHttp().getRequest()),
);
