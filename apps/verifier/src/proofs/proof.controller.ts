import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiProperty, ApiTags } from '@nestjs/swagger';
import { RequireScopes } from '@cep/auth';
import { ApiCommandController, CommandCtx, CommandResultDto, UuidParam, type CommandContext, type CommandResult } from '@cep/producer-sdk';
import { ProofCommandMessage, type ProofOperation } from './proof.commands';
import { CreateProofDto, ProofDecisionDto, ProofErrorDto, ShareProofDto } from './proof.dto';

/** What every proof command answers: the command result and the proof's verification session. */
export class ProofCommandResultDto extends CommandResultDto {
  @ApiProperty({ format: 'uuid', description: 'the verification session of the proof (its id is the proof id)', example: '0193a4f2-7b00-7c11-8d22-3e4f5a6b7c8d' })
  sessionId!: string;
}

/** Proof requests and their verification sessions. */
@ApiTags('proofs')
@ApiCommandController(ProofCommandResultDto)
@Controller('v1/proofs')
@RequireScopes('events:write')
export class ProofController {
  constructor(private readonly commands: CommandBus) {}

  private run(ctx: CommandContext, op: ProofOperation): Promise<CommandResult & { sessionId: string }> {
    return this.commands.execute(new ProofCommandMessage(ctx, op));
  }

  /** Creates the proof request (CREATED → PENDING) and opens its verification session. */
  @Post()
  @HttpCode(201)
  create(@CommandCtx() ctx: CommandContext, @Body() dto: CreateProofDto) {
    return this.run(ctx, { kind: 'create', dto });
  }

  /** The holder fetched the request (REQUESTED). */
  @Post(':id/request')
  @HttpCode(200)
  request(@CommandCtx() ctx: CommandContext, @Param() p: UuidParam) {
    return this.run(ctx, { kind: 'request', id: p.id });
  }

  /** The holder's presentation arrived (SHARED). */
  @Post(':id/share')
  @HttpCode(200)
  share(@CommandCtx() ctx: CommandContext, @Param() p: UuidParam, @Body() dto: ShareProofDto) {
    return this.run(ctx, { kind: 'share', id: p.id, dto });
  }

  @Post(':id/accept')
  @HttpCode(200)
  accept(@CommandCtx() ctx: CommandContext, @Param() p: UuidParam, @Body() dto: ProofDecisionDto) {
    return this.run(ctx, { kind: 'accept', id: p.id, dto });
  }

  @Post(':id/reject')
  @HttpCode(200)
  reject(@CommandCtx() ctx: CommandContext, @Param() p: UuidParam, @Body() dto: ProofDecisionDto) {
    return this.run(ctx, { kind: 'reject', id: p.id, dto });
  }

  @Post(':id/retract')
  @HttpCode(200)
  retract(@CommandCtx() ctx: CommandContext, @Param() p: UuidParam) {
    return this.run(ctx, { kind: 'retract', id: p.id });
  }

  @Post(':id/error')
  @HttpCode(200)
  error(@CommandCtx() ctx: CommandContext, @Param() p: UuidParam, @Body() dto: ProofErrorDto) {
    return this.run(ctx, { kind: 'error', id: p.id, dto });
  }

  /** Deletes the presented claim data (CLAIMS_REMOVED; the event carries no claim values). */
  @Post(':id/claims-removal')
  @HttpCode(200)
  removeClaims(@CommandCtx() ctx: CommandContext, @Param() p: UuidParam) {
    return this.run(ctx, { kind: 'removeClaims', id: p.id });
  }
}
