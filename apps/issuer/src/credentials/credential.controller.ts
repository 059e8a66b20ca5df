import { Body, Controller, Delete, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { RequireScopes } from '@cep/auth';
import { ApiCommandController, CommandCtx, UuidParam, type CommandContext, type CommandResult } from '@cep/producer-sdk';
import { ChangeCredentialStateCommand, type CredentialTransition } from './change-credential-state.handler';
import { IssueCredentialCommand, type IssueCredentialResult } from './issue-credential.handler';
import { IssueCredentialResultDto } from './issue-credential-response.dto';
import { AcceptCredentialDto, CredentialTransitionDto, DeliveryFailedDto, IssueCredentialDto } from './issue-credential.dto';

@ApiTags('credentials')
@ApiCommandController()
@Controller('v1/credentials')
@RequireScopes('events:write')
export class CredentialController {
  constructor(private readonly commands: CommandBus) {}

  /** Creates a credential for a recipient and sends the offer (CREATED → PENDING → OFFERED). */
  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: IssueCredentialResultDto, description: 'the credential was created and the offer sent' })
  issue(@CommandCtx() ctx: CommandContext, @Body() dto: IssueCredentialDto): Promise<IssueCredentialResult> {
    return this.commands.execute(new IssueCredentialCommand(ctx, dto));
  }

  /** The holder accepted the offer (holders using our wallet app do not call this: see docs/producers.md). */
  @Post(':id/accept')
  @HttpCode(200)
  accept(@CommandCtx() ctx: CommandContext, @Param() p: UuidParam, @Body() dto: AcceptCredentialDto): Promise<CommandResult> {
    return this.change(ctx, p.id, 'accept', dto);
  }

  @Post(':id/reject')
  @HttpCode(200)
  reject(@CommandCtx() ctx: CommandContext, @Param() p: UuidParam, @Body() dto: CredentialTransitionDto): Promise<CommandResult> {
    return this.change(ctx, p.id, 'reject', dto);
  }

  @Post(':id/revoke')
  @HttpCode(200)
  revoke(@CommandCtx() ctx: CommandContext, @Param() p: UuidParam, @Body() dto: CredentialTransitionDto): Promise<CommandResult> {
    return this.change(ctx, p.id, 'revoke', dto);
  }

  @Post(':id/suspend')
  @HttpCode(200)
  suspend(@CommandCtx() ctx: CommandContext, @Param() p: UuidParam, @Body() dto: CredentialTransitionDto): Promise<CommandResult> {
    return this.change(ctx, p.id, 'suspend', dto);
  }

  @Post(':id/reactivate')
  @HttpCode(200)
  reactivate(@CommandCtx() ctx: CommandContext, @Param() p: UuidParam, @Body() dto: CredentialTransitionDto): Promise<CommandResult> {
    return this.change(ctx, p.id, 'reactivate', dto);
  }

  @Post(':id/share')
  @HttpCode(200)
  share(@CommandCtx() ctx: CommandContext, @Param() p: UuidParam): Promise<CommandResult> {
    return this.change(ctx, p.id, 'share', {});
  }

  /** Callback of the delivery channel (email / SMS / wallet push) when the offer could not be delivered. */
  @Post(':id/delivery-failure')
  @HttpCode(200)
  deliveryFailed(@CommandCtx() ctx: CommandContext, @Param() p: UuidParam, @Body() dto: DeliveryFailedDto): Promise<CommandResult> {
    return this.change(ctx, p.id, 'failDelivery', dto);
  }

  @Delete(':id')
  @HttpCode(200)
  delete(@CommandCtx() ctx: CommandContext, @Param() p: UuidParam, @Body() dto: CredentialTransitionDto): Promise<CommandResult> {
    return this.change(ctx, p.id, 'delete', dto);
  }

  private change(ctx: CommandContext, id: string, t: CredentialTransition, details: object): Promise<CommandResult> {
    return this.commands.execute(new ChangeCredentialStateCommand(ctx, id, t, details));
  }
}
