import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
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
import { AggregateStore } from '@cep/producer-sdk';
import { APP_CONFIG, errorFields, KAFKA, Logger } from '@cep/platform';
import type { IssuerConfig } from '../issuer.config';
import { ChangeCredentialStateCommand } from './change-credential-state.handler';
import { CredentialAggregate } from './credential.aggregate';

export type PolicyOutcome = 'accepted' | 'rejected' | 'already-done' | 'ignored';

/**
 * The issuer's reaction to its holders' wallets: a `wallet.credential-claimed` of one of its offers makes the
 * credential ACCEPTED (`credential.accepted`, reports `issued`), a `wallet.credential-rejected` makes it
 * REJECTED. The wallet emits only its own event; the issuer records its own transition, caused by it
 * (`causationId` = the wallet event id, same `correlationId`), in the issuer's tenant.
 *
 * At least once and idempotent: Kafka redelivers until the offset is committed after handling, and a credential
 * that is no longer OFFERED (already accepted by a redelivery, expired, revoked…) is left unchanged. The claim
 * must match the offer (issuer tenant, credential id, activity id and recipient), otherwise it is ignored.
 */
@Injectable()
export class WalletClaimPolicy implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('wallet-claim-policy');
  private consumer?: Consumer;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(AggregateStore) private readonly store: AggregateStore,
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
    for (let attempt = 0; ; attempt++) {
      const agg = await this.store.load(new CredentialAggregate(d.credentialId), d.issuerOrganisationId);
      const offer = agg.data;
      if (
        !offer ||
        offer.activityId !== d.activityId ||
        offer.recipient.type !== d.recipient.type ||
        offer.recipient.identifier !== d.recipient.identifier
      ) {
        this.log.debug('wallet event does not match an offer of this issuer; ignored', { eventId: event.id, credentialId: d.credentialId });
        return 'ignored';
      }
      if (agg.status !== 'OFFERED') return 'already-done';
      const claimed = event.type === WalletCredentialClaimed.type;
      try {
        await this.commands.execute(
          new ChangeCredentialStateCommand(
            {
              organisationId: d.issuerOrganisationId,
              correlationId: event.correlationid,
              causationId: event.id,
              actorProfileId: d.actorProfileId,
              callId: null,
            },
            d.credentialId,
            claimed ? 'accept' : 'reject',
            { holderDid: d.holderDid, credentialUri: d.credentialUri, reason: d.reason },
          ),
        );
        return claimed ? 'accepted' : 'rejected';
      } catch (err) {
        if ((err instanceof ConcurrencyError || err instanceof DomainError) && attempt < 5) continue;
        throw err;
      }
    }
  }
}
