import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { newEventId, type CredentialStateChangedData } from '@cep/contracts';
import {
  AggregateStore,
  commandResult,
  eventMeta,
  hashPreAuthorizedCode,
  hashTxCode,
  newPreAuthorizedCode,
  newTxCode,
  type CommandContext,
  type CommandResult,
} from '@cep/producer-sdk';
import { APP_CONFIG, Clock, validationFailed, type FieldError } from '@cep/platform';
import { DomainError } from '@cep/event-store';
import { CredentialSchemaAggregate } from '../credential-schemas/credential-schema.aggregate';
import { ISSUER_SOURCE, type IssuerConfig } from '../issuer.config';
import { CredentialAggregate } from './credential.aggregate';
import type { IssueCredentialDto } from './issue-credential.dto';
import { OfferCodeStore } from './offer-code.store';

export class IssueCredentialCommand {
  constructor(
    readonly ctx: CommandContext,
    readonly dto: IssueCredentialDto,
  ) {}
}

/**
 * What the recipient's wallet needs to receive / claim the credential (`POST /v1/wallet/credentials`): the offer's
 * fields, the issuing tenant and the pre-authorized code that proves the wallet holds this offer.
 */
export type CredentialOffer = CredentialStateChangedData & { issuerOrganisationId: string; preAuthorizedCode: string };

export interface IssueCredentialResult extends CommandResult {
  credentialId: string;
  activityId: string;
  offerExpiresAt: string;
  offer: CredentialOffer;
  /**
   * Transaction code of an email/phone offer: in a real deployment delivered out of band (a second channel);
   * returned here for the demo and the tests.
   */
  txCode?: string;
}

const DAY_MS = 86_400_000;

/**
 * Issues a credential: CREATED → PENDING → OFFERED plus the issuance session's `init_session` (Open), appended
 * atomically with the outbox and the offer's expiry deadline (read by the expiry scheduler).
 */
@CommandHandler(IssueCredentialCommand)
export class IssueCredentialHandler implements ICommandHandler<IssueCredentialCommand> {
  constructor(
    @Inject(AggregateStore) private readonly store: AggregateStore,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly cfg: IssuerConfig,
    @Inject(OfferCodeStore) private readonly codes: OfferCodeStore,
  ) {}

  async execute({ ctx, dto }: IssueCredentialCommand): Promise<IssueCredentialResult> {
    const id = dto.credentialId ?? newEventId();
    const schemaName = await this.checkSchema(ctx, dto);
    const now = this.clock.now();
    const meta = eventMeta(ctx, ISSUER_SOURCE, now);
    const agg = await this.store.load(new CredentialAggregate(id), ctx.organisationId);
    const activityId = newEventId();
    const offerExpiresAt = new Date(now.getTime() + (dto.offerExpiresInDays ?? this.cfg.OFFER_EXPIRY_DAYS) * DAY_MS).toISOString();
    agg.issue(
      {
        credentialId: id,
        name: schemaName,
        schemaId: dto.schemaId,
        schemaName,
        profile: dto.profile,
        credentialType: dto.credentialType,
        issuerDid: dto.issuerDid,
        activityId,
        actorProfileId: ctx.actorProfileId,
        claims: dto.claims,
        recipient: dto.recipient,
        ...(dto.boostUri ? { boostUri: dto.boostUri } : {}),
        ...(dto.integrationId ? { integrationId: dto.integrationId } : {}),
        source: dto.source ?? 'send',
        offerExpiresAt,
      },
      meta,
      { target: this.cfg.SESSION_TARGET, originator: ctx.actorProfileId, callId: ctx.callId },
    );
    // OID4VCI pre-authorized code (and a tx code for recipients reached by email / SMS): only hashes are stored.
    const preAuthorizedCode = newPreAuthorizedCode();
    const txCode = dto.recipient.type === 'profile' ? undefined : newTxCode();
    const events = await this.store.save([{ aggregate: agg, streamType: 'credential' }], async (tx) => {
      await tx.query(`INSERT INTO issuer.offer_deadlines (credential_id, organisation_id, expires_at) VALUES ($1, $2, $3)`, [
        id,
        ctx.organisationId,
        offerExpiresAt,
      ]);
      await this.codes.insert(tx, {
        organisationId: ctx.organisationId,
        credentialId: id,
        codeHash: hashPreAuthorizedCode(preAuthorizedCode),
        txCodeHash: txCode ? hashTxCode(preAuthorizedCode, txCode) : undefined,
        expiresAt: offerExpiresAt,
      });
    });
    const offered = events.find((e) => e.type === 'credential.offered')!.data as CredentialStateChangedData;
    return {
      ...commandResult(id, agg.version, events),
      credentialId: id,
      activityId,
      offerExpiresAt,
      offer: { ...offered, issuerOrganisationId: ctx.organisationId, preAuthorizedCode },
      ...(txCode ? { txCode } : {}),
    };
  }

  /** The schema's name; 404/409/400 when the schema is unknown without a name, deleted, or does not match. */
  private async checkSchema(ctx: CommandContext, dto: IssueCredentialDto): Promise<string> {
    const schema = await this.store.load(new CredentialSchemaAggregate(dto.schemaId), ctx.organisationId);
    if (!schema.exists) {
      if (dto.schemaName) return dto.schemaName;
      throw new DomainError('not_found', `credential schema ${dto.schemaId} not found (give schemaName for a schema managed elsewhere)`);
    }
    if (schema.status === 'DELETED') throw new DomainError('illegal_transition', `credential schema ${dto.schemaId} is deleted`);
    const s = schema.data!;
    const problems: FieldError[] = [];
    if (s.profile !== dto.profile) problems.push({ value: dto.profile, msg: `profile must be ${s.profile} (the schema's profile)`, param: 'profile', location: 'body' });
    if (s.credentialType !== dto.credentialType) {
      problems.push({ value: dto.credentialType, msg: `credentialType must be ${s.credentialType} (the schema's)`, param: 'credentialType', location: 'body' });
    }
    const known = new Set(s.claimNames);
    dto.claims.forEach((c, i) => {
      if (known.size && !known.has(c.name)) {
        problems.push({ value: c.name, msg: `claim ${c.name} is not defined by schema ${s.name}`, param: `claims.${i}.name`, location: 'body' });
      }
    });
    if (problems.length) throw validationFailed(problems, `${problems[0].param}: ${problems[0].msg}`);
    return s.name;
  }
}
