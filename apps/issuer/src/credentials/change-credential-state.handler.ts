import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { DidRef } from '@cep/contracts';
import { AggregateStore, commandResult, eventMeta, type CommandResult } from '@cep/producer-sdk';
import { APP_CONFIG, Clock } from '@cep/platform';
import type { EventContext } from '@cep/producer-sdk';
import { ISSUER_SOURCE, type IssuerConfig } from '../issuer.config';
import { CredentialAggregate } from './credential.aggregate';

export type CredentialTransition = 'accept' | 'reject' | 'revoke' | 'suspend' | 'reactivate' | 'share' | 'delete' | 'failDelivery';

export interface ChangeCredentialStateDetails {
  reason?: string;
  error?: string;
  holderDid?: DidRef;
  credentialUri?: string;
}

/** Who acts: an HTTP caller, or a policy acting on another service's event (then `callId` is null and `causationId` the event). */
export interface Actor extends EventContext {
  actorProfileId: string;
  callId: string | null;
}

export class ChangeCredentialStateCommand {
  constructor(
    readonly ctx: Actor,
    readonly credentialId: string,
    readonly transition: CredentialTransition,
    readonly details: ChangeCredentialStateDetails = {},
  ) {}
}

/** Every transition of an existing credential; illegal ones are a 409 and append nothing. */
@CommandHandler(ChangeCredentialStateCommand)
export class ChangeCredentialStateHandler implements ICommandHandler<ChangeCredentialStateCommand> {
  constructor(
    @Inject(AggregateStore) private readonly store: AggregateStore,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly cfg: IssuerConfig,
  ) {}

  async execute({ ctx, credentialId, transition, details }: ChangeCredentialStateCommand): Promise<CommandResult> {
    const agg = await this.store.load(new CredentialAggregate(credentialId), ctx.organisationId);
    const meta = eventMeta(ctx, ISSUER_SOURCE, this.clock.now());
    const session = { target: this.cfg.SESSION_TARGET, originator: ctx.actorProfileId, callId: ctx.callId };
    switch (transition) {
      case 'accept':
        agg.accept(meta, session, details);
        break;
      case 'reject':
        agg.reject(meta, session, details);
        break;
      case 'failDelivery':
        agg.failDelivery(meta, session, details.error ?? 'delivery failed');
        break;
      case 'revoke':
        agg.revoke(meta, details);
        break;
      case 'suspend':
        agg.suspend(meta, details);
        break;
      case 'reactivate':
        agg.reactivate(meta, details);
        break;
      case 'share':
        agg.share(meta);
        break;
      case 'delete':
        agg.delete(meta, details);
        break;
    }
    const events = await this.store.save([{ aggregate: agg, streamType: 'credential' }]);
    return commandResult(credentialId, agg.version, events);
  }
}
