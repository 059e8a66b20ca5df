import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CurrentPrincipal, RequireScopes, type Principal } from '@cep/auth';
import { IssueCredentialCommand } from './issue-credential.handler';
import { IssueCredentialDto } from './issue-credential.dto';

@Controller('v1/credentials')
export class CredentialController {
  constructor(private readonly commands: CommandBus) {}

  /** Creates a credential for a recipient and sends the offer. */
  @Post()
  @HttpCode(201)
  @RequireScopes('events:write')
  issue(@CurrentPrincipal() p: Principal, @Body() dto: IssueCredentialDto) {
    return this.commands.execute(new IssueCredentialCommand(p.organisationId, p.subject ?? 'unknown', dto));
  }
}
