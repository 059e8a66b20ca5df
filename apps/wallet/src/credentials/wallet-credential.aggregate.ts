import {
  buildEvent,
  SessionWallet,
  WalletCredentialClaimed,
  WalletCredentialReceived,
  WalletCredentialRejected,
  type DidRef,
  type EventEnvelope,
  type EventMeta,
  type WalletCredentialEventData,
} from '@cep/contracts';
import { DomainError } from '@cep/event-store';
import { LifecycleAggregate, NONE, sessionFields, StateMachine, type SessionInfo } from '@cep/producer-sdk';
import type { OfferProof } from './offer-proof';

/**
 * A credential in the holder's wallet: RECEIVED (delivered to a profile recipient), then CLAIMED or REJECTED.
 * Email/phone recipients claim (or reject) straight from the offer link, without a RECEIVED step.
 */
export const WALLET_CREDENTIAL_MACHINE = new StateMachine('wallet credential', ['RECEIVED', 'CLAIMED', 'REJECTED'] as const, {
  receive: { from: [NONE], to: 'RECEIVED', event: WalletCredentialReceived.type },
  claim: { from: [NONE, 'RECEIVED'], to: 'CLAIMED', event: WalletCredentialClaimed.type },
  reject: { from: [NONE, 'RECEIVED'], to: 'REJECTED', event: WalletCredentialRejected.type },
});
export type WalletCredentialState = 'RECEIVED' | 'CLAIMED' | 'REJECTED';
export type WalletCredentialCommand = 'receive' | 'claim' | 'reject';

/** One credential offer as the wallet holds it; its session events (`session.wallet`) share the stream. */
export class WalletCredentialAggregate extends LifecycleAggregate<WalletCredentialState, WalletCredentialCommand, WalletCredentialEventData | undefined> {
  constructor(id: string) {
    super(id, WALLET_CREDENTIAL_MACHINE, undefined);
  }

  protected override fold(data: WalletCredentialEventData | undefined, e: EventEnvelope): WalletCredentialEventData | undefined {
    return e.type.startsWith('wallet.credential-') ? (e.data as WalletCredentialEventData) : data;
  }

  /** The offer arrived in the profile's wallet (activity DELIVERED); only for profile recipients. */
  receive(offer: WalletCredentialEventData, walletId: string, meta: EventMeta, info: SessionInfo): void {
    this.guard('receive');
    if (offer.recipient.type !== 'profile') {
      throw new DomainError('illegal_transition', `cannot receive credential ${this.id}: offers to ${offer.recipient.type} recipients are claimed from their link`);
    }
    this.checkId(offer);
    this.record(buildEvent(WalletCredentialReceived, offer, meta));
    this.session('IssuanceWalletEvent', 'receive_credential', 'RECEIVED', walletId, meta, info);
  }

  /**
   * The holder claimed it, proving the offer with its pre-authorized code (`proof`: hashes only); the issuer
   * verifies the proof and records its own credential.accepted (activity CLAIMED).
   */
  claim(
    holder: string,
    offer: WalletCredentialEventData | undefined,
    holderDid: DidRef | undefined,
    proof: OfferProof | undefined,
    walletId: string,
    meta: EventMeta,
    info: SessionInfo,
  ): void {
    this.guard('claim');
    const base = this.offer(offer);
    this.record(buildEvent(WalletCredentialClaimed, { ...base, ...proof, actorProfileId: holder, ...(holderDid ? { holderDid } : {}) }, meta));
    this.session('CredentialWalletEvent', 'accept_credential', 'CLAIMED', walletId, meta, info);
  }

  reject(
    holder: string,
    offer: WalletCredentialEventData | undefined,
    reason: string | undefined,
    proof: OfferProof | undefined,
    walletId: string,
    meta: EventMeta,
    info: SessionInfo,
  ): void {
    this.guard('reject');
    const base = this.offer(offer);
    this.record(buildEvent(WalletCredentialRejected, { ...base, ...proof, actorProfileId: holder, ...(reason ? { reason } : {}) }, meta));
    this.session('CredentialWalletEvent', 'reject_credential', 'REJECTED', walletId, meta, info);
  }

  private offer(given: WalletCredentialEventData | undefined): WalletCredentialEventData {
    if (this.data) return { ...this.data, reason: undefined };
    if (!given) throw new DomainError('not_found', `wallet credential ${this.id} not found: give the offer to claim or reject it directly`);
    this.checkId(given);
    return given;
  }

  private checkId(offer: WalletCredentialEventData): void {
    if (offer.credentialId !== this.id) throw new DomainError('illegal_transition', `offer is for credential ${offer.credentialId}, not ${this.id}`);
  }

  private session(
    walletEventType: 'IssuanceWalletEvent' | 'CredentialWalletEvent',
    action: string,
    credentialStatus: string,
    walletId: string,
    meta: EventMeta,
    info: SessionInfo,
  ): void {
    const d = this.data!;
    this.record(
      buildEvent(
        SessionWallet,
        {
          ...sessionFields(info, action, 'Success'),
          walletEventType,
          walletId,
          credentialId: this.id,
          credentialStatus,
          issuerId: d.issuerDid.did,
          credentialType: d.credentialType,
          displayName: d.name,
        },
        meta,
      ),
    );
  }
}
