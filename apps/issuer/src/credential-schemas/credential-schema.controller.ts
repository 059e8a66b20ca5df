import { Body, Controller, Delete, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { RequireScopes } from '@cep/auth';
import { ApiCommandController, CommandCtx, UuidParam, type CommandContext, type CommandResult } from '@cep/producer-sdk';
import { ChangeCredentialSchemaCommand, CreateCredentialSchemaCommand } from './credential-schema.commands';
import { CreateCredentialSchemaDto } from './credential-schema.dto';

@ApiTags('credential schemas')
@ApiCommandController()
@Controller('v1/credential-schemas')
@RequireScopes('events:write')
export class CredentialSchemaController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  create(@CommandCtx() ctx: CommandContext, @Body() dto: CreateCredentialSchemaDto): Promise<CommandResult> {
    return this.commands.execute(new CreateCredentialSchemaCommand(ctx, dto));
  }

  @Post(':id/share')
  @HttpCode(200)
  share(@CommandCtx() ctx: CommandContext, @Param() { id }: UuidParam): Promise<CommandResult> {
    return this.commands.execute(new ChangeCredentialSchemaCommand(ctx, id, 'share'));
  }

  @Delete(':id')
  @HttpCode(200)
  delete(@CommandCtx() ctx: CommandContext, @Param() { id }: UuidParam): Promise<CommandResult> {
    return this.commands.execute(new ChangeCredentialSchemaCommand(ctx, id, 'delete'));
  }
}
