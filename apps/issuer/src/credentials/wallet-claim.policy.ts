import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Consumer, Kafka } from 'kafkajs';
import {
  EVENT_REGISTRY,
  TOPICS,
  WalletCredentialClaimed,
  WalletCredentialRejected,
  type EventEnvelope,
  type WalletCredentialEventData,
} from '@cep/contracts';
import { ConcurrencyError, DomainError } from '@cep/event-store';
import { decodeKafkaMessage } from '@cep/messaging';
import { AggregateStore, eventMeta, inTransaction } from '@cep/producer-sdk';
import { APP_CONFIG, Clock, errorFields, KAFKA, Logger } from '@cep/platform';
import { ISSUER_SOURCE, type IssuerConfig } from '../issuer.config';
import { CredentialAggregate } from './credential.aggregate';
import { OfferCodeStore, type OfferRefusal } from './offer-code.store';

export type PolicyOutcome = 'accepted' | 'rejected' | 'already-done' | 'ignored' | `refused:${OfferRefusal}`;

/**
 * The issuer's reaction to its holders' wallets, and the only path from a wallet claim to the issuing tenant:
 * a `wallet.credential-claimed` of one of its offers makes the credential ACCEPTED (`credential.accepted`:
 * reports `issued`, activity CLAIMED), a `wallet.credential-rejected` makes it REJECTED. The wallet emits only
 * its own event, in its own tenant; the issuer records its own transition, caused by it (`causationId` = the
 * wallet event id, same `correlationId`), in the issuer's tenant.
 *
 * The wallet event is written by an untrusted caller (any tenant can name any `issuerOrganisationId` and
 * credential): it counts only with the offer's pre-authorized code (OpenID4VCI), checked against the hash the
 * issuer stored at issuance: constant-time comparison, single use, not expired, bound to that tenant's credential,
 * and the transaction code for email/phone offers. A refused claim appends nothing: the refusal is recorded on
 * the offer's code row and logged (docs/security.md "Offers and claims"). The credential's data in the issuer's
 * event comes from the issuer's own stream, never from the claim.
 *
 * At least once and idempotent: Kafka redelivers until the offset is committed after handling, the code is
 * consumed in the transaction that appends the issuer's event, and a credential that is no longer OFFERED
 * (expired, revoked…) is left unchanged.
 */
@Injectable()
export class WalletClaimPolicy implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('wallet-claim-policy');
  private consumer?: Consumer;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(AggregateStore) private readonly store: AggregateStore,
    @Inject(OfferCodeStore) private readonly codes: OfferCodeStore,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly cfg: IssuerConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.cfg.WALLET_POLICY_ENABLED) return;
    const consumer = this.kafka.consumer({ groupId: this.cfg.WALLET_POLICY_GROUP_ID, allowAutoTopicCreation: false });
    this.consumer = consumer;
    void (async () => {
      try {
        await consumer.connect();
        await consumer.subscribe({ topic: TOPICS.wallet, fromBeginning: true });
        await consumer.run({
          eachMessage: async ({ message }) => {
            const parsed = decodeKafkaMessage(message.value, message.headers, EVENT_REGISTRY);
            if (!parsed.ok) return; // the read models dead-letter invalid messages; the policy only acts on valid ones
            await this.handle(parsed.event);
          },
        });
      } catch (err) {
        this.log.error('wallet policy consumer failed to start', errorFields(err));
      }
    })();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
  }

  /** Handles one wallet event; retries optimistic-concurrency conflicts. */
  async handle(event: EventEnvelope): Promise<PolicyOutcome> {
    if (event.type !== WalletCredentialClaimed.type && event.type !== WalletCredentialRejected.type) return 'ignored';
    const d = event.data as WalletCredentialEventData;
    const claimed = event.type === WalletCredentialClaimed.type;
    if (!d.preAuthorizedCodeHash) return this.refused(event, 'refused:no_code');
    for (let attempt = 0; ; attempt++) {
      try {
        const outcome = await inTransaction(this.ds, async (tx): Promise<PolicyOutcome> => {
          const agg = await this.store.load(new CredentialAggregate(d.credentialId), d.issuerOrganisationId);
          if (!agg.exists) return 'refused:unknown_offer';
          const now = this.clock.now();
          const refusal = await this.codes.consume(tx, d.issuerOrganisationId, d.credentialId, d, now);
          if (refusal) return `refused:${refusal}`;
          if (agg.status !== 'OFFERED') return 'already-done';
          // The holder's action time (stamped by the wallet service), never later than now: time-to-claim stays
          // the holder's, not the policy's lag.
          const time = new Date(Math.min(now.getTime(), Date.parse(event.time)));
          const ctx = { organisationId: d.issuerOrganisationId, correlationId: event.correlationid, causationId: event.id };
          const meta = eventMeta(ctx, ISSUER_SOURCE, time);
          const session = { target: this.cfg.SESSION_TARGET, originator: d.actorProfileId, callId: null };
          const actorProfileId = d.actorProfileId;
          if (claimed) agg.accept(meta, session, { holderDid: d.holderDid, credentialUri: d.credentialUri, actorProfileId });
          else agg.reject(meta, session, { reason: d.reason, actorProfileId });
          await this.store.save([{ aggregate: agg, streamType: 'credential' }], undefined, tx);
          return claimed ? 'accepted' : 'rejected';
        });
        return outcome.startsWith('refused:') ? this.refused(event, outcome) : outcome;
      } catch (err) {
        if ((err instanceof ConcurrencyError || err instanceof DomainError) && attempt < 5) continue;
        throw err;
      }
    }
  }

  private refused(event: EventEnvelope, outcome: PolicyOutcome): PolicyOutcome {
    this.log.warn('wallet claim refused: it does not prove the offer; nothing recorded for the issuer', {
      eventId: event.id,
      walletOrganisationId: event.organisationid,
      credentialId: (event.data as WalletCredentialEventData).credentialId,
      reason: outcome.slice('refused:'.length),
    });
    return outcome;
  }
}
