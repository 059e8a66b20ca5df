import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { newEventId, ProofSchemaCreated, ProofSchemaDeleted, ProofSchemaShared } from '@cep/contracts';
import { AggregateStore, commandResult, eventMeta, type CommandContext, type CommandResult } from '@cep/producer-sdk';
import { Clock } from '@cep/platform';
import { VERIFIER_SOURCE } from '../verifier.config';
import { proofSchemaAggregate } from './proof-schema.aggregate';
import type { CreateProofSchemaDto } from './proof-schema.dto';

export class ProofSchemaCommand {
  constructor(
    readonly ctx: CommandContext,
    readonly op: { kind: 'create'; dto: CreateProofSchemaDto } | { kind: 'share' | 'delete'; id: string },
  ) {}
}

@CommandHandler(ProofSchemaCommand)
export class ProofSchemaCommandHandler implements ICommandHandler<ProofSchemaCommand> {
  constructor(
    @Inject(AggregateStore) private readonly store: AggregateStore,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async execute({ ctx, op }: ProofSchemaCommand): Promise<CommandResult> {
    const meta = eventMeta(ctx, VERIFIER_SOURCE, this.clock.now());
    const id = op.kind === 'create' ? (op.dto.proofSchemaId ?? newEventId()) : op.id;
    const agg = await this.store.load(proofSchemaAggregate(id), ctx.organisationId);
    const actor = { actorProfileId: ctx.actorProfileId };
    if (op.kind === 'create') {
      const { proofSchemaId: _p, ...dto } = op.dto;
      agg.execute('create', ProofSchemaCreated, { proofSchemaId: id, ...dto, ...actor }, meta);
    } else if (op.kind === 'share') {
      agg.execute('share', ProofSchemaShared, actor, meta);
    } else {
      agg.execute('delete', ProofSchemaDeleted, actor, meta);
    }
    const events = await this.store.save([{ aggregate: agg, streamType: 'proof-schema' }]);
    return commandResult(id, agg.version, events);
  }
}
