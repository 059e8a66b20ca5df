import { randomUUID } from 'crypto';
import {
  buildEvent,
  CREDENTIAL_EVENTS,
  CredentialCreated,
  InteractionSucceeded,
  PROFILES,
  ProofCreated,
  ProofRequested,
  SessionIssuance,
  SessionVerification,
  TOPICS,
  type CredentialCreatedData,
  type EventEnvelope,
  WalletProofShared,
} from '@cep/contracts';
import type { OutgoingMessage } from '@cep/messaging';
import { toOutgoingMessage } from '@cep/messaging';
import { credentialCreatedData } from '../event-fixtures';

export interface WorkloadOptions {
  /** Valid events to generate (approximately: whole credential lifecycles). */
  events: number;
  /** Fraction of valid events sent a second time (redelivery by a producer retry). */
  duplicateRate?: number;
  /** Shuffle each key's events before sending (reordering within a key). */
  reorderWithinKeys?: boolean;
  /** Poison messages (malformed JSON, unknown type, invalid payload) mixed in, evenly spread. */
  poison?: number;
  /** Time of the first event; credentials start 7 minutes apart, their events 1 s apart (deterministic oracle input). */
  start?: Date;
  /**
   * Also emit verification / issuance sessions on the session topic (the event log's input, and history's session
   * entries): every 3rd credential gets a verification session (Open, then Success or Failure), every 5th an
   * issuance session (Open, then Success), each keyed by its session id.
   */
  sessions?: boolean;
  /**
   * Relations the history filters match, shared and written from several topics at once: credentials take their
   * schema and issuer DID from small pools; every 4th credential is presented in a proof whose `proof.created` +
   * `proof.requested` (proofs topic, with the proof schema) and `wallet.proof-shared` (wallet topic, with the
   * presented credential and its schema) are sent side by side, so two partitions' batches create the same proof
   * entity at the same moment; every 6th gets a login interaction through one of two providers (bridge topic).
   */
  relations?: boolean;
}

export interface Workload {
  organisationId: string;
  /** Every distinct valid event (the oracle's input). */
  events: EventEnvelope[];
  /** The wire messages in send order: valid events, duplicates and poison. */
  messages: OutgoingMessage[];
  poisonKeys: string[];
  duplicates: number;
}

const STATE_EVENTS = CREDENTIAL_EVENTS.filter((d) => d.type !== CredentialCreated.type);

/**
 * Credential lifecycles of one fresh organisation: each credential gets `credential.created` and one to four
 * state events (any of the catalogue's credential state events), all contract-valid and built with the builders.
 */
export function credentialWorkload(organisationId: string, opts: WorkloadOptions): Workload {
  const t0 = (opts.start ?? new Date('2026-03-01T00:00:00.000Z')).getTime();
  let tick = 0;
  const meta = () => ({ organisationId, correlationId: randomUUID(), source: 'urn:cep:faults', time: new Date(t0 + 1000 * tick++) });
  const byKey: EventEnvelope[][] = [];
  /** Chains interleaved in the same block as the chain after them. */
  const linked = new Set<EventEnvelope[]>();
  let n = 0;
  const pool = (size: number) => Array.from({ length: size }, () => randomUUID());
  const schemaIds = pool(4);
  const issuerDids = pool(3).map((id, i) => ({ id, did: `did:key:z6MkFaultsIssuer${i}`, name: `Issuer ${i}` }));
  const proofSchemaIds = pool(3);
  const verifierDids = pool(2).map((id, i) => ({ id, did: `did:key:z6MkFaultsVerifier${i}`, name: `Verifier ${i}` }));
  const holderDids = pool(3).map((id, i) => ({ id, did: `did:key:z6MkFaultsHolder${i}`, name: `Holder ${i}` }));
  const providerIds = pool(2);
  while (n < opts.events) {
    // Varied profiles, types and days so aggregates (reports) get many distinct rows.
    const k = byKey.length;
    tick = k * 7 * 60 + 1; // a new credential every 7 minutes of event time: ~1.4 days per 1,000 events
    const created: CredentialCreatedData = credentialCreatedData({
      name: `Credential ${n}`,
      profile: PROFILES[k % PROFILES.length],
      credentialType: `org.example.type-${k % 3}`,
      ...(opts.relations ? { schemaId: schemaIds[k % schemaIds.length], issuerDid: issuerDids[k % issuerDids.length] } : {}),
    });
    const chain: EventEnvelope[] = [buildEvent(CredentialCreated, created, meta())];
    const { claims: _c, offerExpiresAt: _o, ...state } = created;
    const more = 1 + (n % 4);
    for (let i = 0; i < more; i++) {
      const def = STATE_EVENTS[(n + i * 7) % STATE_EVENTS.length];
      chain.push(buildEvent(def as typeof STATE_EVENTS[number], state as never, meta()));
    }
    n += chain.length;
    byKey.push(chain);
    if (opts.relations && k % 4 === 0) {
      const proof = {
        proofId: randomUUID(),
        name: `Proof ${k}`,
        proofSchemaId: proofSchemaIds[k % proofSchemaIds.length],
        proofSchemaName: `Proof schema ${k % proofSchemaIds.length}`,
        verifierDid: verifierDids[k % verifierDids.length],
        actorProfileId: 'verifier',
      };
      const holderDid = holderDids[k % holderDids.length];
      const producer = [buildEvent(ProofCreated, proof, meta()), buildEvent(ProofRequested, proof, meta())];
      // the wallet's copy knows the presented credential (and its schema) but not the proof schema
      const wallet = [
        buildEvent(
          WalletProofShared,
          {
            proofId: proof.proofId,
            name: proof.name,
            verifierDid: proof.verifierDid,
            holderDid,
            credentials: [{ credentialId: created.credentialId, schemaId: created.schemaId }],
            actorProfileId: 'holder',
          },
          meta(),
        ),
      ];
      // adjacent chains: sent in the same rounds, so both topics' batches carry the new proof at once
      n += producer.length + wallet.length;
      const [a, b] = k % 8 === 0 ? [wallet, producer] : [producer, wallet];
      linked.add(a);
      byKey.push(a, b);
    }
    if (opts.relations && k % 6 === 0) {
      const providerId = providerIds[k % providerIds.length];
      byKey.push([
        buildEvent(
          InteractionSucceeded,
          { interactionId: randomUUID(), providerId, providerName: `Provider ${k % providerIds.length}`, subject: `user-${k}`, source: 'BRIDGE' },
          meta(),
        ),
      ]);
      n += 1;
    }
    if (opts.sessions && k % 3 === 0) {
      const session = { sessionId: randomUUID(), target: 'acme.verifier1', originator: null, callId: randomUUID(), format: k % 2 ? 'vc+sd-jwt' : 'mso_mdoc', signatureAlgorithm: 'ES256', credentialType: `org.example.type-${k % 3}` };
      const done = k % 9 === 0 ? { status: { type: 'Failure' as const }, error: 'signature invalid' } : { status: { type: 'Success' as const } };
      const s = [
        buildEvent(SessionVerification, { ...session, action: { type: 'init_session' }, status: { type: 'Open' } }, meta()),
        buildEvent(SessionVerification, { ...session, action: { type: 'verify_presentation' }, ...done }, meta()),
      ];
      n += s.length;
      byKey.push(s);
    }
    if (opts.sessions && k % 5 === 0) {
      const session = { sessionId: randomUUID(), target: 'acme.issuer1', credentialConfigurationId: `type-${k % 3}_vc+sd-jwt`, format: 'vc+sd-jwt', proofType: 'jwt' };
      const s = [
        buildEvent(SessionIssuance, { ...session, action: { type: 'init_offer' }, status: { type: 'Open' } }, meta()),
        buildEvent(SessionIssuance, { ...session, action: { type: 'credential_issued' }, status: { type: 'Success' }, holderId: `did:key:z6Mk${k}` }, meta()),
      ];
      n += s.length;
      byKey.push(s);
    }
  }
  if (opts.reorderWithinKeys) for (const chain of byKey) shuffle(chain);
  // Interleave keys (round-robin in blocks) so a batch holds many keys, as in production.
  const events: EventEnvelope[] = [];
  for (let i = 0, end = 0; i < byKey.length; i = end) {
    end = Math.min(byKey.length, i + 50);
    while (end < byKey.length && linked.has(byKey[end - 1])) end++; // a proof's two chains stay in one block
    const block = byKey.slice(i, end);
    for (let j = 0; block.some((c) => j < c.length); j++) for (const c of block) if (j < c.length) events.push(c[j]);
  }
  const messages = events.map(toOutgoingMessage);
  let duplicates = 0;
  if (opts.duplicateRate) {
    // A duplicate follows its original within a short distance (a producer retry), never before it.
    const out: OutgoingMessage[] = [];
    const pending: { at: number; m: OutgoingMessage }[] = [];
    messages.forEach((m, i) => {
      out.push(m);
      if (pseudoRandom(i) < opts.duplicateRate!) pending.push({ at: i + 1 + Math.floor(pseudoRandom(i + 1) * 200), m });
      while (pending.length && pending[0].at <= i) out.push(pending.shift()!.m);
      pending.sort((a, b) => a.at - b.at);
    });
    out.push(...pending.map((p) => p.m));
    duplicates = out.length - messages.length;
    messages.splice(0, messages.length, ...out);
  }
  const poisonKeys: string[] = [];
  for (let i = 0; i < (opts.poison ?? 0); i++) {
    const key = randomUUID();
    poisonKeys.push(key);
    const at = Math.floor(((i + 1) * messages.length) / ((opts.poison ?? 0) + 1));
    // with sessions, every 4th poison message goes to the session topic (the event log must dead-letter it too)
    messages.splice(at, 0, opts.sessions && i % 4 === 3 ? sessionPoisonMessage(organisationId, key, i) : poisonMessage(organisationId, key, i));
  }
  return { organisationId, events, messages, poisonKeys, duplicates };
}

const POISON_META = (organisationId: string) => ({ organisationId, correlationId: randomUUID(), source: 'urn:cep:faults', time: new Date('2026-03-01T00:00:00.000Z') });

/**
 * Poison number `i` built from a valid event: (0) not JSON, (1) an unknown type, (2) the known type with a payload
 * that fails validation (`invalid` overrides part of `data`).
 */
function poison(topic: string, key: string, i: number, base: EventEnvelope, unknownType: string, invalid: Record<string, unknown>): OutgoingMessage {
  const value =
    i % 3 === 0
      ? `{"poison": ${i}, not json`
      : i % 3 === 1
        ? JSON.stringify({ ...base, type: unknownType })
        : JSON.stringify({ ...base, data: { ...(base.data as object), ...invalid } });
  return { topic, key, value, headers: {} };
}

/** Three kinds of poison on the credential topic (the invalid payload: an unknown profile). */
export function poisonMessage(organisationId: string, key: string, i: number): OutgoingMessage {
  const base = buildEvent(CredentialCreated, credentialCreatedData({ credentialId: key }), POISON_META(organisationId));
  return poison(TOPICS.credentials, key, i, base, 'credential.teleported', { profile: 'floppy-disk' });
}

/** The same three kinds on the session topic (the invalid payload: an unknown session status). */
export function sessionPoisonMessage(organisationId: string, key: string, i: number): OutgoingMessage {
  const base = buildEvent(
    SessionVerification,
    { sessionId: key, target: 'acme.verifier1', action: { type: 'init_session' }, status: { type: 'Open' }, format: 'vc+sd-jwt', signatureAlgorithm: 'ES256' },
    POISON_META(organisationId),
  );
  return poison(TOPICS.sessions, key, i, base, 'session.teleported', { status: { type: 'Maybe' } });
}

function shuffle<T>(a: T[]): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(pseudoRandom(i * 31 + a.length) * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
}

/** Deterministic [0, 1) from an integer (mulberry32 step). */
function pseudoRandom(seed: number): number {
  let t = (seed + 0x6d2b79f5) | 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
