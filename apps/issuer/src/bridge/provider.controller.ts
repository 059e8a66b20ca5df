import { Body, Controller, Delete, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { RequireScopes } from '@cep/auth';
import { ApiCommandController, CommandCtx, UuidParam, type CommandContext, type CommandResult } from '@cep/producer-sdk';
import { ProviderCommand, type ProviderOperation } from './provider.commands';
import { CreateProviderDto, LoginInteractionDto, UpdateProviderDto } from './provider.dto';

/** Bridge: OpenID providers (history source BRIDGE). */
@ApiTags('bridge providers')
@ApiCommandController()
@Controller('v1/bridge/providers')
@RequireScopes('events:write')
export class ProviderController {
  constructor(private readonly commands: CommandBus) {}

  private run(ctx: CommandContext, op: ProviderOperation): Promise<CommandResult> {
    return this.commands.execute(new ProviderCommand(ctx, op));
  }

  @Post()
  @HttpCode(201)
  create(@CommandCtx() ctx: CommandContext, @Body() dto: CreateProviderDto) {
    return this.run(ctx, { kind: 'create', dto });
  }

  @Patch(':id')
  @HttpCode(200)
  update(@CommandCtx() ctx: CommandContext, @Param() p: UuidParam, @Body() dto: UpdateProviderDto) {
    return this.run(ctx, { kind: 'update', id: p.id, dto });
  }

  @Post(':id/client-secret')
  @HttpCode(200)
  regenerateSecret(@CommandCtx() ctx: CommandContext, @Param() p: UuidParam) {
    return this.run(ctx, { kind: 'regenerateSecret', id: p.id });
  }

  @Delete(':id')
  @HttpCode(200)
  delete(@CommandCtx() ctx: CommandContext, @Param() p: UuidParam) {
    return this.run(ctx, { kind: 'delete', id: p.id });
  }

  /** A login attempt through the provider: SUCCEEDED, or ERRORED when `error` is given. */
  @Post(':id/logins')
  @HttpCode(201)
  login(@CommandCtx() ctx: CommandContext, @Param() p: UuidParam, @Body() dto: LoginInteractionDto) {
    return this.run(ctx, { kind: 'login', id: p.id, dto });
  }
}
