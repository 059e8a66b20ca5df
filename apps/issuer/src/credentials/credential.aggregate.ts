import {
  buildEvent,
  CredentialAccepted,
  CredentialCreated,
  CredentialDeleted,
  CredentialDeliveryFailed,
  CredentialOffered,
  CredentialOfferExpired,
  CredentialPending,
  CredentialReactivated,
  CredentialRejected,
  CredentialRevoked,
  CredentialShared,
  CredentialSuspended,
  SessionIssuance,
  type CredentialCreatedData,
  type CredentialStateChangedData,
  type DidRef,
  type EventDefinition,
  type EventEnvelope,
  type EventMeta,
  type Profile,
} from '@cep/contracts';
import { DomainError } from '@cep/event-store';
import { LifecycleAggregate, NONE, StateMachine } from '@cep/producer-sdk';
import type { SessionInfo } from '../session-info';

export const CREDENTIAL_STATES = [
  'CREATED',
  'PENDING',
  'OFFERED',
  'ACCEPTED',
  'REJECTED',
  'REVOKED',
  'SUSPENDED',
  'EXPIRED',
  'FAILED',
  'DELETED',
] as const;
export type CredentialState = (typeof CREDENTIAL_STATES)[number];

const ALIVE = CREDENTIAL_STATES.filter((s) => s !== 'DELETED');

/**
 * Credential lifecycle (seed 003 "What's recorded" + activity seed 002):
 * CREATED → PENDING → OFFERED → ACCEPTED | REJECTED | EXPIRED (scheduler) | FAILED (delivery);
 * ACCEPTED ⇄ SUSPENDED (suspend / reactivate), ACCEPTED | SUSPENDED → REVOKED; SHARED is a fact without state change;
 * DELETED ends every stream (history DELETED; no further command is legal).
 */
export const CREDENTIAL_MACHINE = new StateMachine('credential', CREDENTIAL_STATES, {
  create: { from: [NONE], to: 'CREATED', event: CredentialCreated.type },
  markPending: { from: ['CREATED'], to: 'PENDING', event: CredentialPending.type },
  offer: { from: ['PENDING'], to: 'OFFERED', event: CredentialOffered.type },
  accept: { from: ['OFFERED'], to: 'ACCEPTED', event: CredentialAccepted.type },
  reject: { from: ['OFFERED'], to: 'REJECTED', event: CredentialRejected.type },
  expire: { from: ['OFFERED'], to: 'EXPIRED', event: CredentialOfferExpired.type },
  failDelivery: { from: ['PENDING', 'OFFERED'], to: 'FAILED', event: CredentialDeliveryFailed.type },
  revoke: { from: ['ACCEPTED', 'SUSPENDED'], to: 'REVOKED', event: CredentialRevoked.type },
  suspend: { from: ['ACCEPTED'], to: 'SUSPENDED', event: CredentialSuspended.type },
  reactivate: { from: ['SUSPENDED'], to: 'ACCEPTED', event: CredentialReactivated.type },
  share: { from: ['ACCEPTED'], event: CredentialShared.type },
  delete: { from: ALIVE, to: 'DELETED', event: CredentialDeleted.type },
});
export type CredentialCommand = (typeof CREDENTIAL_MACHINE)['commands'][number];

/** OID4VCI `format` of each profile, published in the IssuanceEvent. */
export const PROFILE_FORMATS: Record<Profile, string> = {
  mdoc: 'mso_mdoc',
  cwt: 'cwt',
  'sd-jwt-vc': 'vc+sd-jwt',
  'jwt-vc': 'jwt_vc_json',
  'ldp-vc': 'ldp_vc',
};
const PROOF_TYPES: Record<Profile, string> = { mdoc: 'cwt', cwt: 'cwt', 'sd-jwt-vc': 'jwt', 'jwt-vc': 'jwt', 'ldp-vc': 'ldp_vp' };

export type CredentialData = Omit<CredentialCreatedData, 'claims'> & { claimNames: string[] };

/** Optional details of a transition, carried by its event. */
export interface TransitionDetails {
  reason?: string;
  error?: string;
  credentialUri?: string;
  holderDid?: DidRef;
  /** Who acted, when not the issuing profile (a holder's verified wallet claim or rejection). */
  actorProfileId?: string;
}

/** One issuance: the credential stream also carries its issuance session events (`session.issuance`, key sessionId = credentialId). */
export class CredentialAggregate extends LifecycleAggregate<CredentialState, CredentialCommand, CredentialData | undefined> {
  constructor(id: string) {
    super(id, CREDENTIAL_MACHINE, undefined);
  }

  protected override fold(data: CredentialData | undefined, e: EventEnvelope): CredentialData | undefined {
    if (e.type === CredentialCreated.type) {
      const { claims, ...rest } = e.data as CredentialCreatedData;
      return { ...rest, claimNames: claims.map((c) => c.name) };
    }
    const d = e.data as Partial<CredentialStateChangedData>;
    if (data && d.holderDid && !data.holderDid) return { ...data, holderDid: d.holderDid };
    return data;
  }

  get offerExpiresAt(): Date | undefined {
    return this.data ? new Date(this.data.offerExpiresAt) : undefined;
  }

  /** CREATED → PENDING → OFFERED in one command (the issue endpoint), with the issuance session opened. */
  issue(data: CredentialCreatedData, meta: EventMeta, session: SessionInfo): void {
    this.guard('create');
    this.record(buildEvent(CredentialCreated, data, meta));
    this.transition('markPending', CredentialPending, meta);
    this.transition('offer', CredentialOffered, meta);
    this.recordSession(meta, session, 'init_session', 'Open', null);
  }

  accept(meta: EventMeta, session: SessionInfo, details: TransitionDetails = {}): void {
    this.transition('accept', CredentialAccepted, meta, details);
    this.recordSession(meta, session, 'issue_credential', 'Success', null);
  }

  reject(meta: EventMeta, session: SessionInfo, details: TransitionDetails = {}): void {
    this.transition('reject', CredentialRejected, meta, details);
    this.recordSession(meta, session, 'issue_credential', 'Failure', `rejected by holder${details.reason ? `: ${details.reason}` : ''}`);
  }

  /** Marks an unclaimed offer EXPIRED; only once its expiry has passed (`now` from the injected clock). */
  expire(meta: EventMeta, session: SessionInfo, now: Date): void {
    this.guard('expire');
    if (this.offerExpiresAt! > now) {
      throw new DomainError('illegal_transition', `cannot expire credential ${this.id}: its offer expires at ${this.data!.offerExpiresAt}`);
    }
    this.transition('expire', CredentialOfferExpired, meta);
    this.recordSession(meta, session, 'issue_credential', 'Failure', 'offer expired unclaimed');
  }

  failDelivery(meta: EventMeta, session: SessionInfo, error: string): void {
    this.transition('failDelivery', CredentialDeliveryFailed, meta, { error });
    this.recordSession(meta, session, 'issue_credential', 'Failure', error);
  }

  revoke(meta: EventMeta, details: TransitionDetails = {}): void {
    this.transition('revoke', CredentialRevoked, meta, details);
  }

  suspend(meta: EventMeta, details: TransitionDetails = {}): void {
    this.transition('suspend', CredentialSuspended, meta, details);
  }

  reactivate(meta: EventMeta, details: TransitionDetails = {}): void {
    this.transition('reactivate', CredentialReactivated, meta, details);
  }

  share(meta: EventMeta): void {
    this.transition('share', CredentialShared, meta);
  }

  delete(meta: EventMeta, details: TransitionDetails = {}): void {
    this.transition('delete', CredentialDeleted, meta, details);
  }

  private transition(
    command: CredentialCommand,
    def: EventDefinition<string, CredentialStateChangedData>,
    meta: EventMeta,
    details: TransitionDetails = {},
  ): void {
    this.guard(command);
    this.record(buildEvent(def, this.stateData(details), meta));
  }

  /** The payload of a state event: the issuance's fields (no claims, no offer expiry) plus the transition's details. */
  private stateData(details: TransitionDetails): CredentialStateChangedData {
    const { claimNames: _names, offerExpiresAt: _exp, ...base } = this.data!;
    const out: CredentialStateChangedData = { ...base };
    if (details.holderDid ?? base.holderDid) out.holderDid = details.holderDid ?? base.holderDid;
    if (details.reason) out.reason = details.reason;
    if (details.error) out.error = details.error;
    if (details.credentialUri) out.credentialUri = details.credentialUri;
    if (details.actorProfileId) out.actorProfileId = details.actorProfileId;
    return out;
  }

  private recordSession(meta: EventMeta, s: SessionInfo, action: string, status: 'Open' | 'Success' | 'Failure', error: string | null): void {
    const d = this.data!;
    this.record(
      buildEvent(
        SessionIssuance,
        {
          originator: s.originator,
          target: s.target,
          action: { type: action },
          status: { type: status },
          callId: s.callId,
          error,
          sessionId: this.id,
          credentialConfigurationId: `${d.credentialType}_${PROFILE_FORMATS[d.profile]}`,
          format: PROFILE_FORMATS[d.profile],
          proofType: PROOF_TYPES[d.profile],
          holderId: d.holderDid?.did ?? null,
        },
        meta,
      ),
    );
  }
}
