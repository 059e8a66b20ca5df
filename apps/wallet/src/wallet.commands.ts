import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { BackupCreated, BackupRestored, newEventId, SessionDid, SessionKey, SessionWallet, WalletProofShared } from '@cep/contracts';
import type { AggregateRoot } from '@cep/event-store';
import { AggregateStore, commandResult, eventMeta, sessionFields, type CommandContext, type CommandResult } from '@cep/producer-sdk';
import { APP_CONFIG, Clock } from '@cep/platform';
import { offerProof, withoutCodes } from './credentials/offer-proof';
import { WalletCredentialAggregate } from './credentials/wallet-credential.aggregate';
import { WALLET_SOURCE, type WalletConfig } from './wallet.config';
import type {
  ClaimCredentialDto,
  CreateBackupDto,
  CreateWalletDidDto,
  CreateWalletKeyDto,
  CredentialOfferDto,
  RejectCredentialDto,
  SharePresentationDto,
} from './wallet.dto';
import { backupAggregate, presentationAggregate, walletDidAggregate, walletKeyAggregate } from './wallet.machines';

export type WalletOperation =
  | { kind: 'credential.receive'; dto: CredentialOfferDto }
  | { kind: 'credential.claim'; id: string; dto: ClaimCredentialDto }
  | { kind: 'credential.reject'; id: string; dto: RejectCredentialDto }
  | { kind: 'proof.share'; id: string; dto: SharePresentationDto }
  | { kind: 'backup.create'; dto: CreateBackupDto }
  | { kind: 'backup.restore'; id: string }
  | { kind: 'key.create'; dto: CreateWalletKeyDto }
  | { kind: 'key.export' | 'key.rotate'; id: string }
  | { kind: 'did.create'; dto: CreateWalletDidDto }
  | { kind: 'did.update' | 'did.resolve'; id: string };

export class WalletCommand {
  constructor(
    readonly ctx: CommandContext,
    readonly op: WalletOperation,
  ) {}
}

/**
 * The holder's wallet. The wallet is the caller's tenant (`walletId` = the token organisation) and every event
 * it appends stays there; the offer names its issuer tenant (`issuerOrganisationId`) and the claim proves the
 * offer with its pre-authorized code, of which only hashes enter the events (the issuer verifies them).
 */
@CommandHandler(WalletCommand)
export class WalletCommandHandler implements ICommandHandler<WalletCommand> {
  constructor(
    @Inject(AggregateStore) private readonly store: AggregateStore,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly cfg: WalletConfig,
  ) {}

  async execute({ ctx, op }: WalletCommand): Promise<CommandResult> {
    const meta = eventMeta(ctx, WALLET_SOURCE, this.clock.now());
    const info = { target: this.cfg.SESSION_TARGET, originator: ctx.actorProfileId, callId: ctx.callId };
    const org = ctx.organisationId;
    const walletId = org;
    const actor = ctx.actorProfileId;
    switch (op.kind) {
      case 'credential.receive': {
        const agg = await this.store.load(new WalletCredentialAggregate(op.dto.credentialId), org);
        agg.receive({ ...withoutCodes(op.dto), ...offerProof(op.dto, undefined) }, walletId, meta, info);
        return this.save(agg, 'wallet-credential');
      }
      case 'credential.claim': {
        const agg = await this.store.load(new WalletCredentialAggregate(op.id), org);
        const proof = agg.data || op.dto.offer ? offerProof(op.dto, agg.data) : undefined;
        agg.claim(actor, op.dto.offer && withoutCodes(op.dto.offer), op.dto.holderDid, proof, walletId, meta, info);
        return this.save(agg, 'wallet-credential');
      }
      case 'credential.reject': {
        const agg = await this.store.load(new WalletCredentialAggregate(op.id), org);
        const proof = agg.data || op.dto.offer ? offerProof(op.dto, agg.data) : undefined;
        agg.reject(actor, op.dto.offer && withoutCodes(op.dto.offer), op.dto.reason, proof, walletId, meta, info);
        return this.save(agg, 'wallet-credential');
      }
      case 'proof.share': {
        const agg = await this.store.load(presentationAggregate(op.id), org);
        const { presentationRequestUrl, ...dto } = op.dto;
        agg.execute('share', WalletProofShared, { proofId: op.id, ...dto, actorProfileId: actor }, meta);
        agg.also(
          SessionWallet,
          {
            ...sessionFields(info, 'present_credentials', 'Success'),
            walletEventType: 'PresentationWalletEvent',
            walletId,
            presentationRequestUrl: presentationRequestUrl ?? null,
            verifierId: dto.verifierDid.did,
            displayName: dto.name,
          },
          meta,
        );
        return this.save(agg, 'presentation');
      }
      case 'backup.create': {
        const id = op.dto.backupId ?? newEventId();
        const agg = await this.store.load(backupAggregate(id), org);
        agg.execute('create', BackupCreated, { backupId: id, name: op.dto.name, actorProfileId: actor }, meta);
        return this.save(agg, 'backup');
      }
      case 'backup.restore': {
        const agg = await this.store.load(backupAggregate(op.id), org);
        agg.execute('restore', BackupRestored, { actorProfileId: actor }, meta);
        return this.save(agg, 'backup');
      }
      case 'key.create': {
        const id = op.dto.keyId ?? newEventId();
        const agg = await this.store.load(walletKeyAggregate(id), org);
        const imported = op.dto.imported === true;
        agg.execute(
          'create',
          SessionKey,
          { ...sessionFields(info, imported ? 'import_key' : 'create_key', 'Success'), keyEventType: imported ? 'Import' : 'Create', keyAlgorithm: op.dto.keyAlgorithm, keyId: id },
          meta,
        );
        return this.save(agg, 'wallet-key');
      }
      case 'key.export':
      case 'key.rotate': {
        const agg = await this.store.load(walletKeyAggregate(op.id), org);
        const rotate = op.kind === 'key.rotate';
        agg.execute(rotate ? 'rotate' : 'export', SessionKey, { ...sessionFields(info, rotate ? 'rotate_key' : 'export_key', 'Success'), keyEventType: rotate ? 'Rotation' : 'Export' }, meta);
        return this.save(agg, 'wallet-key');
      }
      case 'did.create': {
        const id = op.dto.didId ?? newEventId();
        const agg = await this.store.load(walletDidAggregate(id), org);
        const method = op.dto.did.split(':')[1];
        agg.execute('create', SessionDid, { ...sessionFields(info, 'create_did', 'Success'), didEventType: 'Create', didMethod: method, did: op.dto.did }, meta);
        return this.save(agg, 'wallet-did');
      }
      case 'did.update':
      case 'did.resolve': {
        const agg = await this.store.load(walletDidAggregate(op.id), org);
        const kind = op.kind === 'did.update' ? 'Update' : 'Resolve';
        agg.execute(op.kind === 'did.update' ? 'update' : 'resolve', SessionDid, { ...sessionFields(info, `${kind.toLowerCase()}_did`, 'Success'), didEventType: kind }, meta);
        return this.save(agg, 'wallet-did');
      }
    }
  }

  private async save(agg: AggregateRoot<unknown>, streamType: string): Promise<CommandResult> {
    const events = await this.store.save([{ aggregate: agg, streamType }]);
    return commandResult(agg.id, agg.version, events);
  }
}
