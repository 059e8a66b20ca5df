import { Body, Controller, Delete, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { RequireScopes } from '@cep/auth';
import { ApiCommandController, CommandCtx, UuidParam, type CommandContext, type CommandResult } from '@cep/producer-sdk';
import { ProofSchemaCommand } from './proof-schema.commands';
import { CreateProofSchemaDto } from './proof-schema.dto';

@ApiTags('proof schemas')
@ApiCommandController()
@Controller('v1/proof-schemas')
@RequireScopes('events:write')
export class ProofSchemaController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  create(@CommandCtx() ctx: CommandContext, @Body() dto: CreateProofSchemaDto): Promise<CommandResult> {
    return this.commands.execute(new ProofSchemaCommand(ctx, { kind: 'create', dto }));
  }

  @Post(':id/share')
  @HttpCode(200)
  share(@CommandCtx() ctx: CommandContext, @Param() p: UuidParam): Promise<CommandResult> {
    return this.commands.execute(new ProofSchemaCommand(ctx, { kind: 'share', id: p.id }));
  }

  @Delete(':id')
  @HttpCode(200)
  delete(@CommandCtx() ctx: CommandContext, @Param() p: UuidParam): Promise<CommandResult> {
    return this.commands.execute(new ProofSchemaCommand(ctx, { kind: 'delete', id: p.id }));
  }
}
