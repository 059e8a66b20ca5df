import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  DidCreated,
  DidDeactivated,
  KeyCreated,
  newEventId,
  OrganisationCreated,
  SessionDid,
  SessionKey,
  TrustAnchorCreated,
  TrustAnchorDeleted,
  TrustEntityActivated,
  TrustEntityCreated,
  TrustEntityRemoved,
  TrustEntityWithdrawn,
  UUID_RE,
  type DidSessionEventData,
} from '@cep/contracts';
import { DomainError, type AggregateRoot } from '@cep/event-store';
import { AggregateStore, commandResult, eventMeta, sessionFields, type CommandContext, type CommandResult, type SessionInfo } from '@cep/producer-sdk';
import { APP_CONFIG, Clock, validationFailed } from '@cep/platform';
import { ISSUER_SOURCE, type IssuerConfig } from '../issuer.config';
import { didAggregate, keyAggregate, organisationAggregate, trustAnchorAggregate, trustEntityAggregate } from './identity.aggregates';
import type { CreateDidDto, CreateKeyDto, CreateOrganisationDto, CreateTrustAnchorDto, CreateTrustEntityDto, UpdateDidDto } from './identity.dto';

export type IdentityOperation =
  | { kind: 'key.create'; dto: CreateKeyDto }
  | { kind: 'key.export' | 'key.rotate'; id: string }
  | { kind: 'did.create'; dto: CreateDidDto }
  | { kind: 'did.update'; id: string; dto: UpdateDidDto }
  | { kind: 'did.deactivate' | 'did.resolve'; id: string }
  | { kind: 'organisation.create'; dto: CreateOrganisationDto }
  | { kind: 'trust-anchor.create'; dto: CreateTrustAnchorDto }
  | { kind: 'trust-anchor.delete'; id: string }
  | { kind: 'trust-entity.create'; dto: CreateTrustEntityDto }
  | { kind: 'trust-entity.remove' | 'trust-entity.withdraw' | 'trust-entity.activate'; id: string };

/** Commands on keys, DIDs, organisations, trust anchors and trust entities. */
export class IdentityCommand {
  constructor(
    readonly ctx: CommandContext,
    readonly op: IdentityOperation,
  ) {}
}

@CommandHandler(IdentityCommand)
export class IdentityCommandHandler implements ICommandHandler<IdentityCommand> {
  constructor(
    @Inject(AggregateStore) private readonly store: AggregateStore,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly cfg: IssuerConfig,
  ) {}

  async execute({ ctx, op }: IdentityCommand): Promise<CommandResult> {
    const meta = eventMeta(ctx, ISSUER_SOURCE, this.clock.now());
    const s: SessionInfo = { target: this.cfg.SESSION_TARGET, originator: ctx.actorProfileId, callId: ctx.callId };
    const actor = { actorProfileId: ctx.actorProfileId };
    const org = ctx.organisationId;
    switch (op.kind) {
      case 'key.create': {
        const id = op.dto.keyId ?? newEventId();
        const agg = await this.store.load(keyAggregate(id), org);
        const { imported, keyId: _k, ...dto } = op.dto;
        agg.execute('create', KeyCreated, { keyId: id, ...dto, ...actor }, meta);
        agg.also(SessionKey, { ...sessionFields(s, imported ? 'import_key' : 'create_key', 'Success'), keyEventType: imported ? 'Import' : 'Create', keyAlgorithm: dto.keyType, keyId: id }, meta);
        return this.save(agg, 'key');
      }
      case 'key.export':
      case 'key.rotate': {
        const agg = await this.store.load(keyAggregate(op.id), org);
        const rotate = op.kind === 'key.rotate';
        agg.check(rotate ? 'rotate' : 'export');
        agg.also(
          SessionKey,
          { ...sessionFields(s, rotate ? 'rotate_key' : 'export_key', 'Success'), keyEventType: rotate ? 'Rotation' : 'Export', keyAlgorithm: agg.data!.keyType, keyId: op.id },
          meta,
        );
        return this.save(agg, 'key');
      }
      case 'did.create': {
        const id = op.dto.didId ?? newEventId();
        const agg = await this.store.load(didAggregate(id), org);
        const { didId: _d, ...dto } = op.dto;
        agg.execute('create', DidCreated, { didId: id, ...dto, ...actor }, meta);
        agg.also(SessionDid, didSession(agg.data!.did, agg.data!.method, 'Create', s), meta);
        return this.save(agg, 'did');
      }
      case 'did.update':
      case 'did.deactivate':
      case 'did.resolve': {
        const agg = await this.store.load(didAggregate(op.id), org);
        if (op.kind === 'did.deactivate') agg.execute('deactivate', DidDeactivated, actor, meta);
        else agg.check(op.kind === 'did.update' ? 'update' : 'resolve');
        const kind = op.kind === 'did.update' ? 'Update' : op.kind === 'did.resolve' ? 'Resolve' : 'Delete';
        agg.also(SessionDid, didSession(agg.data!.did, agg.data!.method, kind, s), meta);
        return this.save(agg, 'did');
      }
      case 'organisation.create': {
        // Registers the caller's own organisation: the event's envelope organisationId is the new organisation (contracts).
        if (!UUID_RE.test(org)) throw validationFailed([{ value: org, msg: 'the token organisation must be a UUID to be registered', param: 'org', location: 'headers' }]);
        const agg = await this.store.load(organisationAggregate(org), org);
        agg.execute('create', OrganisationCreated, { id: org, name: op.dto.name, ...actor }, meta);
        return this.save(agg, 'organisation');
      }
      case 'trust-anchor.create': {
        const id = op.dto.trustAnchorId ?? newEventId();
        const agg = await this.store.load(trustAnchorAggregate(id), org);
        const { trustAnchorId: _t, ...dto } = op.dto;
        agg.execute('create', TrustAnchorCreated, { trustAnchorId: id, ...dto, ...actor }, meta);
        return this.save(agg, 'trust-anchor');
      }
      case 'trust-anchor.delete': {
        const agg = await this.store.load(trustAnchorAggregate(op.id), org);
        agg.execute('delete', TrustAnchorDeleted, actor, meta);
        return this.save(agg, 'trust-anchor');
      }
      case 'trust-entity.create': {
        const anchor = await this.store.load(trustAnchorAggregate(op.dto.trustAnchorId), org);
        if (!anchor.exists) throw new DomainError('not_found', `trust anchor ${op.dto.trustAnchorId} not found`);
        if (anchor.status !== 'ACTIVE') throw new DomainError('illegal_transition', `trust anchor ${op.dto.trustAnchorId} is ${anchor.status}`);
        const id = op.dto.trustEntityId ?? newEventId();
        const agg = await this.store.load(trustEntityAggregate(id), org);
        const { trustEntityId: _t, ...dto } = op.dto;
        agg.execute('create', TrustEntityCreated, { trustEntityId: id, ...dto, ...actor }, meta);
        return this.save(agg, 'trust-entity');
      }
      case 'trust-entity.remove':
      case 'trust-entity.withdraw':
      case 'trust-entity.activate': {
        const agg = await this.store.load(trustEntityAggregate(op.id), org);
        if (op.kind === 'trust-entity.remove') agg.execute('remove', TrustEntityRemoved, actor, meta);
        else if (op.kind === 'trust-entity.withdraw') agg.execute('withdraw', TrustEntityWithdrawn, actor, meta);
        else agg.execute('activate', TrustEntityActivated, actor, meta);
        return this.save(agg, 'trust-entity');
      }
    }
  }

  private async save(agg: AggregateRoot<unknown>, streamType: string): Promise<CommandResult> {
    const events = await this.store.save([{ aggregate: agg, streamType }]);
    return commandResult(agg.id, agg.version, events);
  }
}

/** `session.did` data (DIDEvent): the DID method is published lower-case, as in `did:<method>:…`. */
export function didSession(did: string, method: string, kind: 'Create' | 'Update' | 'Delete' | 'Resolve', s: SessionInfo): DidSessionEventData {
  return { ...sessionFields(s, `${kind.toLowerCase()}_did`, 'Success'), didEventType: kind, didMethod: method.toLowerCase(), did };
}
