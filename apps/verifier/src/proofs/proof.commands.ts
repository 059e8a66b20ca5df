import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { newEventId } from '@cep/contracts';
import { DomainError } from '@cep/event-store';
import { AggregateStore, commandResult, eventMeta, type CommandContext, type CommandResult } from '@cep/producer-sdk';
import { APP_CONFIG, Clock } from '@cep/platform';
import { proofSchemaAggregate } from '../proof-schemas/proof-schema.aggregate';
import { VERIFIER_SOURCE, type VerifierConfig } from '../verifier.config';
import { ProofAggregate } from './proof.aggregate';
import type { CreateProofDto, ProofDecisionDto, ProofErrorDto, ShareProofDto } from './proof.dto';

export type ProofOperation =
  | { kind: 'create'; dto: CreateProofDto }
  | { kind: 'request' | 'retract' | 'removeClaims'; id: string }
  | { kind: 'share'; id: string; dto: ShareProofDto }
  | { kind: 'accept' | 'reject'; id: string; dto: ProofDecisionDto }
  | { kind: 'error'; id: string; dto: ProofErrorDto };

export class ProofCommandMessage {
  constructor(
    readonly ctx: CommandContext,
    readonly op: ProofOperation,
  ) {}
}

@CommandHandler(ProofCommandMessage)
export class ProofCommandHandler implements ICommandHandler<ProofCommandMessage> {
  constructor(
    @Inject(AggregateStore) private readonly store: AggregateStore,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly cfg: VerifierConfig,
  ) {}

  async execute({ ctx, op }: ProofCommandMessage): Promise<CommandResult & { sessionId: string }> {
    const meta = eventMeta(ctx, VERIFIER_SOURCE, this.clock.now());
    const info = { target: this.cfg.SESSION_TARGET, originator: ctx.actorProfileId, callId: ctx.callId };
    const actor = ctx.actorProfileId;
    const id = op.kind === 'create' ? (op.dto.proofId ?? newEventId()) : op.id;
    const agg = await this.store.load(new ProofAggregate(id), ctx.organisationId);
    switch (op.kind) {
      case 'create': {
        const schema = await this.store.load(proofSchemaAggregate(op.dto.proofSchemaId), ctx.organisationId);
        if (!schema.exists) throw new DomainError('not_found', `proof schema ${op.dto.proofSchemaId} not found`);
        if (schema.status !== 'ACTIVE') throw new DomainError('illegal_transition', `proof schema ${op.dto.proofSchemaId} is ${schema.status}`);
        const s = schema.data!;
        agg.create(
          { proofId: id, name: s.name, proofSchemaId: s.proofSchemaId, proofSchemaName: s.name, verifierDid: op.dto.verifierDid, actorProfileId: actor },
          { format: op.dto.format ?? 'vc+sd-jwt', credentialType: op.dto.credentialType ?? null, signatureAlgorithm: '' },
          meta,
          info,
        );
        break;
      }
      case 'request':
        agg.request(actor, meta);
        break;
      case 'share':
        agg.share(op.dto, actor, meta);
        break;
      case 'accept':
        agg.accept(actor, meta, info, op.dto.signatureAlgorithm);
        break;
      case 'reject':
        agg.reject(actor, op.dto.reason, meta, info, op.dto.signatureAlgorithm);
        break;
      case 'retract':
        agg.retract(actor, meta, info);
        break;
      case 'error':
        agg.error(actor, op.dto.error, meta, info);
        break;
      case 'removeClaims':
        agg.removeClaims(actor, meta);
        break;
    }
    const events = await this.store.save([{ aggregate: agg, streamType: 'proof' }]);
    return { ...commandResult(id, agg.version, events), sessionId: id };
  }
}
