import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { newEventId } from '@cep/contracts';
import { AggregateStore, commandResult, eventMeta, type CommandContext, type CommandResult } from '@cep/producer-sdk';
import { Clock } from '@cep/platform';
import { ISSUER_SOURCE } from '../issuer.config';
import { CredentialSchemaAggregate } from './credential-schema.aggregate';
import type { CreateCredentialSchemaDto } from './credential-schema.dto';

export class CreateCredentialSchemaCommand {
  constructor(
    readonly ctx: CommandContext,
    readonly dto: CreateCredentialSchemaDto,
  ) {}
}

export class ChangeCredentialSchemaCommand {
  constructor(
    readonly ctx: CommandContext,
    readonly schemaId: string,
    readonly action: 'share' | 'delete',
  ) {}
}

@CommandHandler(CreateCredentialSchemaCommand)
export class CreateCredentialSchemaHandler implements ICommandHandler<CreateCredentialSchemaCommand> {
  constructor(
    @Inject(AggregateStore) private readonly store: AggregateStore,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async execute({ ctx, dto }: CreateCredentialSchemaCommand): Promise<CommandResult> {
    const id = dto.schemaId ?? newEventId();
    const agg = await this.store.load(new CredentialSchemaAggregate(id), ctx.organisationId);
    agg.create(
      { schemaId: id, name: dto.name, profile: dto.profile, credentialType: dto.credentialType, claimNames: dto.claimNames, actorProfileId: ctx.actorProfileId },
      eventMeta(ctx, ISSUER_SOURCE, this.clock.now()),
    );
    const events = await this.store.save([{ aggregate: agg, streamType: 'credential-schema' }]);
    return commandResult(id, agg.version, events);
  }
}

@CommandHandler(ChangeCredentialSchemaCommand)
export class ChangeCredentialSchemaHandler implements ICommandHandler<ChangeCredentialSchemaCommand> {
  constructor(
    @Inject(AggregateStore) private readonly store: AggregateStore,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async execute({ ctx, schemaId, action }: ChangeCredentialSchemaCommand): Promise<CommandResult> {
    const agg = await this.store.load(new CredentialSchemaAggregate(schemaId), ctx.organisationId);
    const meta = eventMeta(ctx, ISSUER_SOURCE, this.clock.now());
    if (action === 'share') agg.share(ctx.actorProfileId, meta);
    else agg.delete(ctx.actorProfileId, meta);
    const events = await this.store.save([{ aggregate: agg, streamType: 'credential-schema' }]);
    return commandResult(schemaId, agg.version, events);
  }
}
