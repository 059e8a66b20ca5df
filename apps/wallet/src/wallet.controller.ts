import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { RequireScopes } from '@cep/auth';
import { ApiCommandController, CommandCtx, UuidParam, type CommandContext, type CommandResult } from '@cep/producer-sdk';
import { WalletCommand, type WalletOperation } from './wallet.commands';
import {
  ClaimCredentialDto,
  CreateBackupDto,
  CreateWalletDidDto,
  CreateWalletKeyDto,
  CredentialOfferDto,
  RejectCredentialDto,
  SharePresentationDto,
} from './wallet.dto';

@ApiTags('wallet')
@ApiCommandController()
@Controller('v1/wallet')
@RequireScopes('events:write')
export class WalletController {
  constructor(private readonly commands: CommandBus) {}

  private run(ctx: CommandContext, op: WalletOperation): Promise<CommandResult> {
    return this.commands.execute(new WalletCommand(ctx, op));
  }

  /** An offer to a profile recipient arrived in the wallet (activity DELIVERED). */
  @Post('credentials')
  @HttpCode(201)
  receive(@CommandCtx() ctx: CommandContext, @Body() dto: CredentialOfferDto) {
    return this.run(ctx, { kind: 'credential.receive', dto });
  }

  /** The holder claims the credential (activity CLAIMED); the issuer then marks it ACCEPTED (docs/producers.md). */
  @Post('credentials/:id/claim')
  @HttpCode(200)
  claim(@CommandCtx() ctx: CommandContext, @Param() p: UuidParam, @Body() dto: ClaimCredentialDto) {
    return this.run(ctx, { kind: 'credential.claim', id: p.id, dto });
  }

  @Post('credentials/:id/reject')
  @HttpCode(200)
  reject(@CommandCtx() ctx: CommandContext, @Param() p: UuidParam, @Body() dto: RejectCredentialDto) {
    return this.run(ctx, { kind: 'credential.reject', id: p.id, dto });
  }

  /** The holder presents credentials for proof request `:id`. */
  @Post('proofs/:id/share')
  @HttpCode(200)
  shareProof(@CommandCtx() ctx: CommandContext, @Param() p: UuidParam, @Body() dto: SharePresentationDto) {
    return this.run(ctx, { kind: 'proof.share', id: p.id, dto });
  }

  @Post('backups')
  @HttpCode(201)
  createBackup(@CommandCtx() ctx: CommandContext, @Body() dto: CreateBackupDto) {
    return this.run(ctx, { kind: 'backup.create', dto });
  }

  @Post('backups/:id/restore')
  @HttpCode(200)
  restoreBackup(@CommandCtx() ctx: CommandContext, @Param() p: UuidParam) {
    return this.run(ctx, { kind: 'backup.restore', id: p.id });
  }

  @Post('keys')
  @HttpCode(201)
  createKey(@CommandCtx() ctx: CommandContext, @Body() dto: CreateWalletKeyDto) {
    return this.run(ctx, { kind: 'key.create', dto });
  }

  @Post('keys/:id/export')
  @HttpCode(200)
  exportKey(@CommandCtx() ctx: CommandContext, @Param() p: UuidParam) {
    return this.run(ctx, { kind: 'key.export', id: p.id });
  }

  @Post('keys/:id/rotate')
  @HttpCode(200)
  rotateKey(@CommandCtx() ctx: CommandContext, @Param() p: UuidParam) {
    return this.run(ctx, { kind: 'key.rotate', id: p.id });
  }

  @Post('dids')
  @HttpCode(201)
  createDid(@CommandCtx() ctx: CommandContext, @Body() dto: CreateWalletDidDto) {
    return this.run(ctx, { kind: 'did.create', dto });
  }

  @Post('dids/:id/update')
  @HttpCode(200)
  updateDid(@CommandCtx() ctx: CommandContext, @Param() p: UuidParam) {
    return this.run(ctx, { kind: 'did.update', id: p.id });
  }

  @Post('dids/:id/resolve')
  @HttpCode(200)
  resolveDid(@CommandCtx() ctx: CommandContext, @Param() p: UuidParam) {
    return this.run(ctx, { kind: 'did.resolve', id: p.id });
  }
}
