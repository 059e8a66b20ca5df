import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsEmpty,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { defineEvent } from '../registry';
import { TOPICS } from '../topics';
import { Claim, CredentialRef, DidRef, MAX_CLAIMS, MAX_LIST_ITEMS } from './common';

// ---------------------------------------------------------------------------------------------------------------
// Proof schemas
// ---------------------------------------------------------------------------------------------------------------

/** Payload of every proof schema event: the credential schemas it asks for and the claim names it requests. */
export class ProofSchemaEventData {
  @IsUUID()
  proofSchemaId!: string;

  @IsString()
  @MaxLength(256)
  name!: string;

  /** Credential schemas whose claims the proof schema requests. */
  @IsArray()
  @ArrayMaxSize(MAX_LIST_ITEMS)
  @IsUUID('all', { each: true })
  credentialSchemaIds!: string[];

  /** Requested claim names (paths). */
  @IsArray()
  @ArrayMaxSize(MAX_CLAIMS)
  @IsString({ each: true })
  @MaxLength(256, { each: true })
  claimNames!: string[];

  /** The profile (user or service account) that triggered the action. */
  @IsString()
  @MaxLength(256)
  actorProfileId!: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Proofs (proof requests)
// ---------------------------------------------------------------------------------------------------------------

/**
 * Fields every proof event carries ("the common fields"): identity and display name (history `name`),
 * the proof schema (history `proofSchemaId` filter, `proofSchemaName` text search), the verifier DID
 * (history `didId` filter, `verifierDid` / `verifierName` text search) and the holder DID once known.
 */
export class ProofEventData {
  @IsUUID()
  proofId!: string;

  /** Display name of the proof request (usually the proof schema name). */
  @IsString()
  @MaxLength(256)
  name!: string;

  @IsUUID()
  proofSchemaId!: string;

  @IsString()
  @MaxLength(256)
  proofSchemaName!: string;

  @IsDefined()
  @ValidateNested()
  @Type(() => DidRef)
  verifierDid!: DidRef;

  @IsOptional()
  @ValidateNested()
  @Type(() => DidRef)
  holderDid?: DidRef;

  /** The profile (user or service account) that triggered the action; protocol-driven transitions carry the producing service's account. */
  @IsString()
  @MaxLength(256)
  actorProfileId!: string;
}

/**
 * Payload of proof state transitions before or without a presentation (created, pending, requested, rejected,
 * retracted). `credentials` may be present when the transition happens after sharing (e.g. a verifier rejects
 * a shared presentation); it never carries claim values.
 */
export class ProofStateChangedData extends ProofEventData {
  /** Credentials whose claims were presented, once known. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_LIST_ITEMS)
  @ValidateNested({ each: true })
  @Type(() => CredentialRef)
  credentials?: CredentialRef[];
}

/** `proof.shared` / `proof.accepted`: the holder presented credentials; carries which ones and the claims (names + values). */
export class ProofPresentedData extends ProofEventData {
  /** Credentials whose claims were presented (history `credentialId` / `credentialSchemaId` filters). */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_LIST_ITEMS)
  @ValidateNested({ each: true })
  @Type(() => CredentialRef)
  credentials!: CredentialRef[];

  /** Presented claims, names and values (history `claimName` / `claimValue` text search until `proof.claims-removed`). */
  @IsArray()
  @ArrayMaxSize(MAX_CLAIMS)
  @ValidateNested({ each: true })
  @Type(() => Claim)
  claims!: Claim[];
}

/** `proof.errored`: the proof transitioned to ERROR; `error` says why. */
export class ProofErroredData extends ProofStateChangedData {
  @IsString()
  @MaxLength(2048)
  error!: string;
}

/**
 * `proof.claims-removed`: the claim data was deleted from the proof. Carries only the common fields (and
 * optionally the credential references, which are not claim data); `claims` must be absent. Read models must
 * purge every stored claim name/value of the proof on receipt.
 */
export class ProofClaimsRemovedData extends ProofStateChangedData {
  /** Must be absent: this event never carries claim data. */
  @IsEmpty({ message: 'claims must be absent: proof.claims-removed never carries claim data' })
  claims?: never;
}

const proofSchemaKey = (d: { proofSchemaId: string }) => d.proofSchemaId;
const proofKey = (d: { proofId: string }) => d.proofId;
const topic = TOPICS.proofs;

export const ProofSchemaCreated = defineEvent({
  type: 'proof-schema.created',
  version: 1,
  topic,
  payload: ProofSchemaEventData,
  key: proofSchemaKey,
  description: 'A proof schema was created (history PROOF_SCHEMA CREATED).',
  usedBy: ['history'],
});

export const ProofSchemaDeleted = defineEvent({
  type: 'proof-schema.deleted',
  version: 1,
  topic,
  payload: ProofSchemaEventData,
  key: proofSchemaKey,
  description: 'A proof schema was deleted (history PROOF_SCHEMA DELETED).',
  usedBy: ['history'],
});

export const ProofSchemaShared = defineEvent({
  type: 'proof-schema.shared',
  version: 1,
  topic,
  payload: ProofSchemaEventData,
  key: proofSchemaKey,
  description: 'A proof schema was shared with a mobile device (history PROOF_SCHEMA SHARED).',
  usedBy: ['history'],
});

function proofStateEvent<T extends string>(type: T, description: string) {
  return defineEvent({ type, version: 1, topic, payload: ProofStateChangedData, key: proofKey, description, usedBy: ['history'] });
}

export const ProofCreated = proofStateEvent('proof.created', 'The proof request was created (history PROOF CREATED).');
export const ProofPending = proofStateEvent('proof.pending', 'The proof transitioned to PENDING (history PROOF PENDING).');
export const ProofRequested = proofStateEvent(
  'proof.requested',
  'The proof request was delivered to the holder; the proof transitioned to REQUESTED (history PROOF REQUESTED).',
);
export const ProofShared = defineEvent({
  type: 'proof.shared',
  version: 1,
  topic,
  payload: ProofPresentedData,
  key: proofKey,
  description:
    'The holder presented credentials; carries the credentials used and the presented claims (history PROOF SHARED).',
  usedBy: ['history'],
});
export const ProofAccepted = defineEvent({
  type: 'proof.accepted',
  version: 1,
  topic,
  payload: ProofPresentedData,
  key: proofKey,
  description:
    'The verifier validated the presentation; the proof transitioned to ACCEPTED (history PROOF ACCEPTED).',
  usedBy: ['history'],
});
export const ProofRejected = proofStateEvent(
  'proof.rejected',
  'The proof request was rejected (by the holder, or by the verifier after validation); the proof transitioned to REJECTED (history PROOF REJECTED).',
);
export const ProofRetracted = proofStateEvent(
  'proof.retracted',
  'The verifier retracted the proof request; the proof transitioned to RETRACTED (history PROOF RETRACTED).',
);
export const ProofErrored = defineEvent({
  type: 'proof.errored',
  version: 1,
  topic,
  payload: ProofErroredData,
  key: proofKey,
  description: 'The proof transitioned to ERROR; `error` says why (history PROOF ERRORED).',
  usedBy: ['history'],
});
export const ProofClaimsRemoved = defineEvent({
  type: 'proof.claims-removed',
  version: 1,
  topic,
  payload: ProofClaimsRemovedData,
  key: proofKey,
  description:
    'The claim data was deleted from the proof; carries no claim values. Read models must purge the claim names/values they stored for this proof (history PROOF CLAIMS_REMOVED).',
  usedBy: ['history'],
});

export const PROOF_EVENTS = [
  ProofSchemaCreated,
  ProofSchemaDeleted,
  ProofSchemaShared,
  ProofCreated,
  ProofPending,
  ProofRequested,
  ProofShared,
  ProofAccepted,
  ProofRejected,
  ProofRetracted,
  ProofErrored,
  ProofClaimsRemoved,
] as const;
