import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  BRIDGE_SOURCE,
  InteractionErrored,
  InteractionSucceeded,
  newEventId,
  ProviderClientSecretRegenerated,
  ProviderCreated,
  ProviderDeleted,
  ProviderUpdated,
} from '@cep/contracts';
import { AggregateStore, commandResult, eventMeta, type CommandContext, type CommandResult } from '@cep/producer-sdk';
import { Clock } from '@cep/platform';
import { ISSUER_SOURCE } from '../issuer.config';
import { providerAggregate } from './provider.machine';
import type { CreateProviderDto, LoginInteractionDto, UpdateProviderDto } from './provider.dto';

export type ProviderOperation =
  | { kind: 'create'; dto: CreateProviderDto }
  | { kind: 'update'; id: string; dto: UpdateProviderDto }
  | { kind: 'regenerateSecret' | 'delete'; id: string }
  | { kind: 'login'; id: string; dto: LoginInteractionDto };

export class ProviderCommand {
  constructor(
    readonly ctx: CommandContext,
    readonly op: ProviderOperation,
  ) {}
}

/** Bridge: OpenID providers and the login interactions through them (every event carries `source: BRIDGE`). */
@CommandHandler(ProviderCommand)
export class ProviderCommandHandler implements ICommandHandler<ProviderCommand> {
  constructor(
    @Inject(AggregateStore) private readonly store: AggregateStore,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async execute({ ctx, op }: ProviderCommand): Promise<CommandResult & { interactionId?: string }> {
    const meta = eventMeta(ctx, ISSUER_SOURCE, this.clock.now());
    const actor = { actorProfileId: ctx.actorProfileId, source: BRIDGE_SOURCE };
    const id = op.kind === 'create' ? (op.dto.providerId ?? newEventId()) : op.id;
    const agg = await this.store.load(providerAggregate(id), ctx.organisationId);
    let interactionId: string | undefined;
    switch (op.kind) {
      case 'create': {
        const { providerId: _p, ...dto } = op.dto;
        agg.execute('create', ProviderCreated, { providerId: id, ...dto, ...actor }, meta);
        break;
      }
      case 'update':
        agg.execute('update', ProviderUpdated, { ...op.dto, ...actor }, meta);
        break;
      case 'regenerateSecret':
        agg.execute('regenerateSecret', ProviderClientSecretRegenerated, actor, meta);
        break;
      case 'delete':
        agg.execute('delete', ProviderDeleted, actor, meta);
        break;
      case 'login': {
        interactionId = op.dto.interactionId ?? newEventId();
        const base = { interactionId, providerId: id, providerName: agg.data?.name ?? '', source: BRIDGE_SOURCE, ...(op.dto.subject ? { subject: op.dto.subject } : {}) };
        if (op.dto.error) {
          agg.check('loginErrored');
          agg.also(InteractionErrored, { ...base, error: op.dto.error }, meta);
        } else {
          agg.check('loginSucceeded');
          agg.also(InteractionSucceeded, base, meta);
        }
        break;
      }
    }
    const events = await this.store.save([{ aggregate: agg, streamType: 'provider' }]);
    return { ...commandResult(id, agg.version, events), ...(interactionId ? { interactionId } : {}) };
  }
}
