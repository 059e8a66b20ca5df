import { v5 as uuidv5 } from 'uuid';
import { historyFactsOf, UUID_RE, type EventEnvelope } from '@cep/contracts';
import {
  CLAIM_TAGS,
  MAX_SEGMENT_VALUE_LENGTH,
  SEARCH_TYPES,
  SEGMENT_SEPARATOR,
  type HistoryEntryEntityType,
} from './history-entry';

/**
 * What one event contributes to history: the entry itself plus the entity-level facts (relations and search
 * segments) that every entry of the same entity shares.
 */
export interface HistoryDraft {
  id: string;
  organisationId: string;
  createdDate: string;
  action: string;
  entityId: string;
  entityType: HistoryEntryEntityType;
  name: string | null;
  source: string;
  target: string | null;
  eventType: string;
  metadata: Record<string, unknown>;
  /** Entity ids the relation filters match this entity by (its own id included). */
  related: string[];
  /** `tag:value` search segments that are not claim data. */
  segments: string[];
  /** `tag:value` search segments that are claim data (claim names and values). */
  claims: string[];
  /** `proof.claims-removed`: drop the entity's claim segments, now and for good. */
  purgeClaims: boolean;
}

/** The accumulated facts of one entity in one organisation (`history.entities`). */
export interface EntityState {
  organisationId: string;
  entityId: string;
  entityType: string;
  related: string[];
  segments: string[];
  claims: string[];
  claimsPurged: boolean;
}

interface DidRefLike {
  id: string;
  did: string;
  name?: string;
}
interface ClaimLike {
  name: string;
  value?: string;
}
interface CredentialRefLike {
  credentialId: string;
  schemaId: string;
}

/** Namespace for deriving entity ids from non-UUID session ids (UUIDv5). */
const SESSION_ID_NAMESPACE = '6f1d3c1e-6a8c-4c55-9d0e-4c4b1f0a9a11';

export function segment(tag: string, value: string | undefined | null): string | null {
  if (value === undefined || value === null || value === '') return null;
  const clean = value.replace(/[\x00-\x1f]/g, ' ').slice(0, MAX_SEGMENT_VALUE_LENGTH);
  return `${tag}:${clean}`;
}

/** Per `searchType` column (`s_<tag>`): the entity's values of that type joined by U+001F; null when none. */
export type SearchColumns = Record<`s_${(typeof SEARCH_TYPES)[keyof typeof SEARCH_TYPES]}`, string | null>;

/** The stored search columns of an entity: its segments, claim segments unless purged. */
export function searchColumns(segments: readonly string[], claims: readonly string[], purged: boolean): SearchColumns {
  const out: Record<string, string | null> = {};
  for (const tag of Object.values(SEARCH_TYPES)) out[`s_${tag}`] = null;
  for (const s of purged ? segments : [...segments, ...claims]) {
    const i = s.indexOf(':');
    const col = `s_${s.slice(0, i)}`;
    if (!(col in out)) continue;
    const v = s.slice(i + 1);
    out[col] = out[col] === null ? v : `${out[col]}${SEGMENT_SEPARATOR}${v}`;
  }
  return out as SearchColumns;
}

/** The tagged search document of an entity (`\x1f<tag>:<value>`...): its segments, claim segments unless purged. */
export function searchText(segments: readonly string[], claims: readonly string[], purged: boolean): string {
  const all = purged ? segments : [...segments, ...claims];
  return all.map((s) => SEGMENT_SEPARATOR + s).join('');
}

function compact<T>(xs: (T | null | undefined)[]): T[] {
  return xs.filter((x): x is T => x !== null && x !== undefined);
}

function didSegments(did: DidRefLike | undefined, role: 'issuer' | 'verifier'): string[] {
  if (!did) return [];
  return role === 'issuer'
    ? compact([segment(SEARCH_TYPES.issuerDid, did.did), segment(SEARCH_TYPES.issuerName, did.name)])
    : compact([segment(SEARCH_TYPES.verifierDid, did.did), segment(SEARCH_TYPES.verifierName, did.name)]);
}

function claimSegments(claims: ClaimLike[] | undefined): string[] {
  if (!claims) return [];
  return compact(claims.flatMap((c) => [segment(SEARCH_TYPES.claimName, c.name), segment(SEARCH_TYPES.claimValue, c.value)]));
}

function claimNameSegments(names: string[] | undefined): string[] {
  return compact((names ?? []).map((n) => segment(SEARCH_TYPES.claimName, n)));
}

function credentialRefIds(refs: CredentialRefLike[] | undefined): string[] {
  return (refs ?? []).flatMap((r) => [r.credentialId, r.schemaId]);
}

/** Payload fields never copied into `metadata`: claim data (names and values). */
function metadataOf(e: EventEnvelope): Record<string, unknown> {
  const { claims: _claims, ...data } = e.data as Record<string, unknown>;
  return {
    eventType: e.type,
    dataVersion: e.dataversion,
    producer: e.source,
    correlationId: e.correlationid,
    ...(e.causationid ? { causationId: e.causationid } : {}),
    data,
  };
}

function sessionEntityId(sessionId: string): string {
  return UUID_RE.test(sessionId) ? sessionId.toLowerCase() : uuidv5(sessionId, SESSION_ID_NAMESPACE);
}

const SESSION_STATUS_ACTIONS: Record<string, string> = { Open: 'PENDING', Success: 'SUCCEEDED', Failure: 'ERRORED' };

/** Session events recorded in history (issue 5): verification and issuance sessions, by session status. */
function sessionDraft(e: EventEnvelope): HistoryDraft | null {
  if (e.type !== 'session.verification' && e.type !== 'session.issuance') return null;
  const d = e.data as {
    sessionId: string;
    target: string;
    status: { type: string };
    format?: string | null;
    credentialType?: string | null;
    credentialConfigurationId?: string;
  };
  const entityId = sessionEntityId(d.sessionId);
  const verification = e.type === 'session.verification';
  return {
    id: e.id,
    organisationId: e.organisationid,
    createdDate: e.time,
    action: SESSION_STATUS_ACTIONS[d.status.type] ?? 'PENDING',
    entityId,
    entityType: verification ? 'VERIFICATION_SESSION' : 'ISSUANCE_SESSION',
    name: (verification ? d.credentialType : d.credentialConfigurationId) ?? d.format ?? null,
    source: 'CORE',
    target: d.target,
    eventType: e.type,
    metadata: metadataOf(e),
    related: [entityId],
    segments: [],
    claims: [],
    purgeClaims: false,
  };
}

/**
 * Pure: the history draft of a validated event, or null when the event is not recorded in history.
 * Relations (`related`, matched by the `credentialSchemaId`, `proofSchemaId`, `didId`/`identifierId`,
 * `credentialId`, `proofId`, `providerId` filters):
 * - credential: its schema, issuer DID, holder DID;
 * - proof: its proof schema, verifier DID (not the holder's), the credentials presented and their schemas;
 * - interaction: its provider;
 * - every entity: itself.
 */
export function toHistoryDraft(e: EventEnvelope): HistoryDraft | null {
  const facts = historyFactsOf(e);
  if (!facts) return sessionDraft(e);
  const d = e.data as Record<string, unknown>;
  const base = {
    id: e.id,
    organisationId: e.organisationid,
    createdDate: e.time,
    action: facts.action,
    entityId: facts.entityId.toLowerCase(),
    entityType: facts.entityType as HistoryEntryEntityType,
    name: facts.name ?? null,
    source: facts.source,
    eventType: e.type,
    metadata: metadataOf(e),
    purgeClaims: false,
  };
  const related: string[] = [base.entityId];
  const segments: string[] = [];
  const claims: string[] = [];
  let target: string | null = null;

  switch (facts.entityType) {
    case 'CREDENTIAL': {
      const c = d as {
        schemaId: string;
        schemaName: string;
        issuerDid: DidRefLike;
        holderDid?: DidRefLike;
        recipient?: { identifier: string };
        claims?: ClaimLike[];
      };
      related.push(c.schemaId, c.issuerDid.id);
      if (c.holderDid) related.push(c.holderDid.id);
      segments.push(...compact([segment(SEARCH_TYPES.credentialSchemaName, c.schemaName)]), ...didSegments(c.issuerDid, 'issuer'));
      claims.push(...claimSegments(c.claims));
      // The other party: the issuer for the wallet's own entries, the holder (or recipient) for the issuer's.
      target = e.type.startsWith('wallet.') ? c.issuerDid.did : (c.holderDid?.did ?? c.recipient?.identifier ?? null);
      break;
    }
    case 'CREDENTIAL_SCHEMA': {
      const s = d as { name: string; claimNames: string[] };
      segments.push(...compact([segment(SEARCH_TYPES.credentialSchemaName, s.name)]));
      claims.push(...claimNameSegments(s.claimNames));
      break;
    }
    case 'PROOF_SCHEMA': {
      const s = d as { name: string; claimNames: string[] };
      segments.push(...compact([segment(SEARCH_TYPES.proofSchemaName, s.name)]));
      claims.push(...claimNameSegments(s.claimNames));
      break;
    }
    case 'PROOF': {
      const p = d as {
        proofSchemaId?: string;
        proofSchemaName?: string;
        verifierDid: DidRefLike;
        holderDid?: DidRefLike;
        credentials?: CredentialRefLike[];
        claims?: ClaimLike[];
      };
      if (p.proofSchemaId) related.push(p.proofSchemaId);
      related.push(p.verifierDid.id, ...credentialRefIds(p.credentials));
      segments.push(...compact([segment(SEARCH_TYPES.proofSchemaName, p.proofSchemaName)]), ...didSegments(p.verifierDid, 'verifier'));
      claims.push(...claimSegments(p.claims));
      target = e.type.startsWith('wallet.') ? p.verifierDid.did : (p.holderDid?.did ?? null);
      base.purgeClaims = e.type === 'proof.claims-removed';
      break;
    }
    case 'DID': {
      // A DID can act as issuer and as verifier: its own value and name are searchable under both.
      const did = d as { did: string; name: string; didId: string };
      const ref = { id: did.didId, did: did.did, name: did.name };
      segments.push(...didSegments(ref, 'issuer'), ...didSegments(ref, 'verifier'));
      break;
    }
    case 'INTERACTION': {
      const i = d as { providerId: string; subject?: string };
      related.push(i.providerId);
      target = i.subject ?? null;
      break;
    }
    default:
      break;
  }
  return { ...base, target, related: unique(related.map((x) => x.toLowerCase())), segments: unique(segments), claims: unique(claims) };
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)].sort();
}

/** Pure: merges drafts (in event order) into an entity's state. Once purged, claims never come back. */
export function mergeEntityState(prev: EntityState | undefined, drafts: readonly HistoryDraft[]): EntityState {
  const first = drafts[0];
  const state: EntityState = prev
    ? { ...prev, related: [...prev.related], segments: [...prev.segments], claims: [...prev.claims] }
    : {
        organisationId: first.organisationId,
        entityId: first.entityId,
        entityType: first.entityType,
        related: [],
        segments: [],
        claims: [],
        claimsPurged: false,
      };
  for (const d of drafts) {
    state.related = unique([...state.related, ...d.related]);
    state.segments = unique([...state.segments, ...d.segments.filter((s) => !CLAIM_TAGS.has(s.slice(0, s.indexOf(':'))))]);
    if (d.purgeClaims) state.claimsPurged = true;
    state.claims = state.claimsPurged ? [] : unique([...state.claims, ...d.claims]);
  }
  return state;
}
