import { Body, Controller, Delete, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { RequireScopes } from '@cep/auth';
import { ApiCommandController, CommandCtx, UuidParam, type CommandContext, type CommandResult } from '@cep/producer-sdk';
import { IdentityCommand, type IdentityOperation } from './identity.commands';
import { CreateDidDto, CreateKeyDto, CreateOrganisationDto, CreateTrustAnchorDto, CreateTrustEntityDto, UpdateDidDto } from './identity.dto';

/** Keys, DIDs, organisations, trust anchors and trust entities. */
@ApiTags('identity')
@ApiCommandController()
@Controller('v1')
@RequireScopes('events:write')
export class IdentityController {
  constructor(private readonly commands: CommandBus) {}

  private run(ctx: CommandContext, op: IdentityOperation): Promise<CommandResult> {
    return this.commands.execute(new IdentityCommand(ctx, op));
  }

  @Post('keys')
  @HttpCode(201)
  createKey(@CommandCtx() ctx: CommandContext, @Body() dto: CreateKeyDto) {
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
  createDid(@CommandCtx() ctx: CommandContext, @Body() dto: CreateDidDto) {
    return this.run(ctx, { kind: 'did.create', dto });
  }

  @Post('dids/:id/update')
  @HttpCode(200)
  updateDid(@CommandCtx() ctx: CommandContext, @Param() p: UuidParam, @Body() dto: UpdateDidDto) {
    return this.run(ctx, { kind: 'did.update', id: p.id, dto });
  }

  @Post('dids/:id/deactivate')
  @HttpCode(200)
  deactivateDid(@CommandCtx() ctx: CommandContext, @Param() p: UuidParam) {
    return this.run(ctx, { kind: 'did.deactivate', id: p.id });
  }

  @Post('dids/:id/resolve')
  @HttpCode(200)
  resolveDid(@CommandCtx() ctx: CommandContext, @Param() p: UuidParam) {
    return this.run(ctx, { kind: 'did.resolve', id: p.id });
  }

  /** Registers the caller's own organisation (the token's `org`, a UUID). */
  @Post('organisations')
  @HttpCode(201)
  createOrganisation(@CommandCtx() ctx: CommandContext, @Body() dto: CreateOrganisationDto) {
    return this.run(ctx, { kind: 'organisation.create', dto });
  }

  @Post('trust-anchors')
  @HttpCode(201)
  createTrustAnchor(@CommandCtx() ctx: CommandContext, @Body() dto: CreateTrustAnchorDto) {
    return this.run(ctx, { kind: 'trust-anchor.create', dto });
  }

  @Delete('trust-anchors/:id')
  @HttpCode(200)
  deleteTrustAnchor(@CommandCtx() ctx: CommandContext, @Param() p: UuidParam) {
    return this.run(ctx, { kind: 'trust-anchor.delete', id: p.id });
  }

  @Post('trust-entities')
  @HttpCode(201)
  createTrustEntity(@CommandCtx() ctx: CommandContext, @Body() dto: CreateTrustEntityDto) {
    return this.run(ctx, { kind: 'trust-entity.create', dto });
  }

  @Post('trust-entities/:id/remove')
  @HttpCode(200)
  removeTrustEntity(@CommandCtx() ctx: CommandContext, @Param() p: UuidParam) {
    return this.run(ctx, { kind: 'trust-entity.remove', id: p.id });
  }

  @Post('trust-entities/:id/withdraw')
  @HttpCode(200)
  withdrawTrustEntity(@CommandCtx() ctx: CommandContext, @Param() p: UuidParam) {
    return this.run(ctx, { kind: 'trust-entity.withdraw', id: p.id });
  }

  @Post('trust-entities/:id/activate')
  @HttpCode(200)
  activateTrustEntity(@CommandCtx() ctx: CommandContext, @Param() p: UuidParam) {
    return this.run(ctx, { kind: 'trust-entity.activate', id: p.id });
  }
}
