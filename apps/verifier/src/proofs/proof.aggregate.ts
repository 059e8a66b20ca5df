import {
  buildEvent,
  ProofAccepted,
  ProofClaimsRemoved,
  ProofCreated,
  ProofErrored,
  ProofPending,
  ProofRejected,
  ProofRequested,
  ProofRetracted,
  ProofShared,
  SessionVerification,
  type Claim,
  type CredentialRef,
  type DidRef,
  type EventEnvelope,
  type EventMeta,
  type ProofEventData,
  type ProofPresentedData,
  type VerificationSessionEventData,
} from '@cep/contracts';
import { DomainError } from '@cep/event-store';
import { LifecycleAggregate, NONE, sessionFields, StateMachine, type SessionInfo } from '@cep/producer-sdk';

export const PROOF_STATES = ['CREATED', 'PENDING', 'REQUESTED', 'SHARED', 'ACCEPTED', 'REJECTED', 'RETRACTED', 'ERRORED'] as const;
export type ProofState = (typeof PROOF_STATES)[number];

/**
 * Proof request lifecycle: CREATED → PENDING → REQUESTED (the holder fetched the request) → SHARED (the holder
 * presented) → ACCEPTED | REJECTED; RETRACTED by the verifier before a presentation; ERRORED on a failure.
 * CLAIMS_REMOVED deletes the presented claim data once the proof is finished (no state change, once).
 */
export const PROOF_MACHINE = new StateMachine('proof', PROOF_STATES, {
  create: { from: [NONE], to: 'CREATED', event: ProofCreated.type },
  markPending: { from: ['CREATED'], to: 'PENDING', event: ProofPending.type },
  request: { from: ['PENDING'], to: 'REQUESTED', event: ProofRequested.type },
  share: { from: ['PENDING', 'REQUESTED'], to: 'SHARED', event: ProofShared.type },
  accept: { from: ['SHARED'], to: 'ACCEPTED', event: ProofAccepted.type },
  reject: { from: ['PENDING', 'REQUESTED', 'SHARED'], to: 'REJECTED', event: ProofRejected.type },
  retract: { from: ['PENDING', 'REQUESTED'], to: 'RETRACTED', event: ProofRetracted.type },
  error: { from: ['PENDING', 'REQUESTED', 'SHARED'], to: 'ERRORED', event: ProofErrored.type },
  removeClaims: { from: ['ACCEPTED', 'REJECTED', 'ERRORED'], event: ProofClaimsRemoved.type },
});
export type ProofCommand = 'create' | 'markPending' | 'request' | 'share' | 'accept' | 'reject' | 'retract' | 'error' | 'removeClaims';

/** The verification session of the proof request (seed 001 VerificationEvent fields). */
export interface VerificationSession {
  format: string;
  credentialType: string | null;
  signatureAlgorithm: string;
}

export interface ProofData {
  common?: ProofEventData;
  session?: VerificationSession;
  credentials?: CredentialRef[];
  claims?: Claim[];
}

export interface Presentation {
  holderDid?: DidRef;
  credentials: CredentialRef[];
  claims: Claim[];
}

export const VERIFY_ACTION = 'verify_presentation';

/**
 * One proof request and its verification session (`session.verification`, sessionId = proofId, in the same
 * stream): `init_session` / Open when the request starts, then exactly one Success (accepted) or Failure
 * (rejected, retracted, errored) with the error.
 */
export class ProofAggregate extends LifecycleAggregate<ProofState, ProofCommand, ProofData> {
  constructor(id: string) {
    super(id, PROOF_MACHINE, {});
  }

  protected override fold(data: ProofData, e: EventEnvelope): ProofData {
    switch (e.type) {
      case ProofCreated.type:
        return { ...data, common: e.data as ProofEventData };
      case SessionVerification.type: {
        const v = e.data as VerificationSessionEventData;
        return { ...data, session: { format: v.format, credentialType: v.credentialType ?? null, signatureAlgorithm: v.signatureAlgorithm } };
      }
      case ProofShared.type: {
        const p = e.data as ProofPresentedData;
        return { ...data, common: { ...data.common!, holderDid: p.holderDid }, credentials: p.credentials, claims: p.claims };
      }
      case ProofClaimsRemoved.type:
        return { ...data, claims: undefined };
      default:
        return data;
    }
  }

  /** CREATED → PENDING, and the verification session opens (`init_session`, Open). */
  create(common: ProofEventData, session: VerificationSession, meta: EventMeta, info: SessionInfo): void {
    this.guard('create');
    this.record(buildEvent(ProofCreated, common, meta));
    this.guard('markPending');
    this.record(buildEvent(ProofPending, common, meta));
    this.record(buildEvent(SessionVerification, { ...sessionFields(info, 'init_session', 'Open'), sessionId: this.id, ...session }, meta));
  }

  request(actorProfileId: string, meta: EventMeta): void {
    this.guard('request');
    this.record(buildEvent(ProofRequested, this.stateData(actorProfileId), meta));
  }

  share(p: Presentation, actorProfileId: string, meta: EventMeta): void {
    this.guard('share');
    const common = { ...this.stateData(actorProfileId), ...(p.holderDid ? { holderDid: p.holderDid } : {}) };
    this.record(buildEvent(ProofShared, { ...common, credentials: p.credentials, claims: p.claims }, meta));
  }

  /** `signatureAlgorithm`: the algorithm of the verified presentation, published in the closing VerificationEvent. */
  accept(actorProfileId: string, meta: EventMeta, info: SessionInfo, signatureAlgorithm?: string): void {
    this.guard('accept');
    this.record(buildEvent(ProofAccepted, { ...this.stateData(actorProfileId), credentials: this.data.credentials!, claims: this.data.claims ?? [] }, meta));
    this.closeSession(meta, info, 'Success', null, signatureAlgorithm);
  }

  reject(actorProfileId: string, reason: string | undefined, meta: EventMeta, info: SessionInfo, signatureAlgorithm?: string): void {
    this.guard('reject');
    this.record(buildEvent(ProofRejected, this.withCredentials(actorProfileId), meta));
    this.closeSession(meta, info, 'Failure', reason ? `rejected: ${reason}` : 'rejected', signatureAlgorithm);
  }

  retract(actorProfileId: string, meta: EventMeta, info: SessionInfo): void {
    this.guard('retract');
    this.record(buildEvent(ProofRetracted, this.stateData(actorProfileId), meta));
    this.closeSession(meta, info, 'Failure', 'retracted by the verifier');
  }

  error(actorProfileId: string, error: string, meta: EventMeta, info: SessionInfo): void {
    this.guard('error');
    this.record(buildEvent(ProofErrored, { ...this.withCredentials(actorProfileId), error }, meta));
    this.closeSession(meta, info, 'Failure', error);
  }

  /** Deletes the presented claim data (privacy); the event carries no claim values. Legal once, when there are claims. */
  removeClaims(actorProfileId: string, meta: EventMeta): void {
    this.guard('removeClaims');
    if (!this.data.claims) throw new DomainError('illegal_transition', `cannot removeClaims of proof ${this.id}: it holds no claim data`);
    this.record(buildEvent(ProofClaimsRemoved, this.withCredentials(actorProfileId), meta));
  }

  private stateData(actorProfileId: string): ProofEventData {
    return { ...this.data.common!, actorProfileId };
  }

  private withCredentials(actorProfileId: string) {
    return { ...this.stateData(actorProfileId), ...(this.data.credentials ? { credentials: this.data.credentials } : {}) };
  }

  private closeSession(meta: EventMeta, info: SessionInfo, status: 'Success' | 'Failure', error: string | null, signatureAlgorithm?: string): void {
    const s = { ...this.data.session!, ...(signatureAlgorithm ? { signatureAlgorithm } : {}) };
    this.record(buildEvent(SessionVerification, { ...sessionFields(info, VERIFY_ACTION, status, error), sessionId: this.id, ...s }, meta));
  }
}
