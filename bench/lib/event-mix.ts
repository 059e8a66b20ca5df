import { randomUUID } from 'crypto';
import {
  BackupCreated,
  buildEvent,
  CredentialAccepted,
  CredentialCreated,
  CredentialDeliveryFailed,
  CredentialOffered,
  CredentialOfferExpired,
  CredentialReactivated,
  CredentialRejected,
  CredentialRevoked,
  CredentialSchemaCreated,
  CredentialSuspended,
  DidCreated,
  InteractionErrored,
  InteractionSucceeded,
  KeyCreated,
  ProofAccepted,
  ProofCreated,
  ProofRejected,
  ProofRequested,
  ProofSchemaCreated,
  ProofShared,
  ProviderCreated,
  SessionIssuance,
  SessionVerification,
  WalletCredentialClaimed,
  WalletCredentialReceived,
  type CredentialStateChangedData,
  type EventDefinition,
  type EventEnvelope,
  type Profile,
} from '@cep/contracts';
import { seededRandom } from './random';

/**
 * A realistic, reproducible stream of contract-valid events: credential lifecycles with claims (and the wallet's
 * side of profile sends), proof requests with presented claims, verifier/issuer session events, identity (keys,
 * DIDs) and Bridge logins, spread over ~20 organisations with a skewed (Zipf-like) distribution and over the last
 * 90 days. Built with `buildEvent` and the catalogue definitions, so every event passes the runner's validation.
 */
export interface MixOptions {
  organisations?: number;
  seed?: number;
  /** Time span the events cover, ending at `end`. */
  days?: number;
  end?: Date;
}

const SOURCE = 'urn:cep:bench';
const PROFILES: Profile[] = ['mdoc', 'cwt', 'sd-jwt-vc', 'jwt-vc'];
const CREDENTIAL_TYPES = ['org.iso.18013.5.1.mDL', 'EmployeeBadge', 'UniversityDegree', 'HealthInsurance', 'ProofOfAge'];
const FIRST_NAMES = ['Ada', 'Alan', 'Grace', 'Linus', 'Barbara', 'Edsger', 'Margaret', 'Donald', 'Frances', 'Ken'];

interface OrgState {
  id: string;
  issuerDid: { id: string; did: string; name: string };
  schemas: { schemaId: string; name: string; profile: Profile; credentialType: string }[];
  proofSchema: { proofSchemaId: string; name: string };
  providerId: string;
}

export class EventMix {
  readonly organisations: string[];
  private readonly orgs: OrgState[];
  private readonly rand: () => number;
  private readonly cumulative: number[];
  private readonly startMs: number;
  private readonly spanMs: number;
  private produced = 0;
  private total = 1;
  private readonly pending: EventEnvelope[] = [];

  constructor(opts: MixOptions = {}) {
    const n = opts.organisations ?? 20;
    this.rand = seededRandom(opts.seed ?? 42);
    const end = (opts.end ?? new Date()).getTime();
    this.spanMs = (opts.days ?? 90) * 86400000;
    this.startMs = end - this.spanMs;
    this.orgs = Array.from({ length: n }, (_, i) => this.newOrg(i));
    this.organisations = this.orgs.map((o) => o.id);
    const w = this.orgs.map((_, i) => 1 / (i + 1));
    const sum = w.reduce((a, b) => a + b, 0);
    let acc = 0;
    this.cumulative = w.map((x) => (acc += x / sum));
  }

  /** The events that set each organisation up (schemas, keys, DIDs, provider); emitted first. */
  setupEvents(): EventEnvelope[] {
    const out: EventEnvelope[] = [];
    const t = new Date(this.startMs);
    for (const o of this.orgs) {
      const meta = { organisationId: o.id, correlationId: randomUUID(), source: SOURCE, time: t };
      const keyId = randomUUID();
      out.push(buildEvent(KeyCreated, { keyId, name: 'issuer key', keyType: 'EDDSA', storageType: 'INTERNAL', actorProfileId: 'admin' }, meta));
      out.push(buildEvent(DidCreated, { didId: o.issuerDid.id, did: o.issuerDid.did, name: o.issuerDid.name, method: 'KEY', keyIds: [keyId], actorProfileId: 'admin' }, meta));
      for (const s of o.schemas) {
        out.push(
          buildEvent(
            CredentialSchemaCreated,
            { schemaId: s.schemaId, name: s.name, profile: s.profile, credentialType: s.credentialType, claimNames: ['given_name', 'family_name', 'birth_date'], actorProfileId: 'admin' },
            meta,
          ),
        );
      }
      out.push(
        buildEvent(
          ProofSchemaCreated,
          { proofSchemaId: o.proofSchema.proofSchemaId, name: o.proofSchema.name, credentialSchemaIds: o.schemas.map((s) => s.schemaId), claimNames: ['birth_date'], actorProfileId: 'admin' },
          meta,
        ),
      );
      out.push(buildEvent(ProviderCreated, { providerId: o.providerId, name: 'Corporate SSO', issuerUrl: 'https://sso.example.com', source: 'BRIDGE', actorProfileId: 'admin' }, meta));
    }
    return out;
  }

  /** Returns `n` events (setup events first), continuing the stream across calls. `total` spreads time evenly. */
  next(n: number, total = n): EventEnvelope[] {
    this.total = Math.max(total, 1);
    const out: EventEnvelope[] = [];
    if (this.produced === 0 && !this.pending.length) this.pending.push(...this.setupEvents());
    while (out.length < n) {
      if (!this.pending.length) this.scenario();
      out.push(this.pending.shift()!);
      this.produced++;
    }
    return out;
  }

  /** A single `credential.created` for an organisation "now" (freshness probes). */
  probe(organisationId: string, time: Date): EventEnvelope {
    const o = this.orgs.find((x) => x.id === organisationId) ?? this.orgs[0];
    const base = this.credentialBase(o);
    return buildEvent(CredentialCreated, this.createdData(base), { organisationId: o.id, correlationId: randomUUID(), source: SOURCE, time });
  }

  private newOrg(i: number): OrgState {
    return {
      id: randomUUID(),
      issuerDid: { id: randomUUID(), did: `did:key:z6MkBenchIssuer${i}`, name: `Issuer ${i}` },
      schemas: [0, 1, 2].map((k) => {
        const profile = PROFILES[(i + k) % PROFILES.length];
        const credentialType = CREDENTIAL_TYPES[(i + k) % CREDENTIAL_TYPES.length];
        return { schemaId: randomUUID(), name: `${credentialType} (${profile})`, profile, credentialType };
      }),
      proofSchema: { proofSchemaId: randomUUID(), name: `Age check ${i}` },
      providerId: randomUUID(),
    };
  }

  private pickOrg(): OrgState {
    const r = this.rand();
    const i = this.cumulative.findIndex((c) => r <= c);
    return this.orgs[i < 0 ? this.orgs.length - 1 : i];
  }

  private time(): Date {
    const jitter = (this.rand() - 0.5) * 60000;
    return new Date(this.startMs + Math.min(this.spanMs, (this.produced / this.total) * this.spanMs + jitter));
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rand() * xs.length)];
  }

  private emit<T extends string, P extends object>(def: EventDefinition<T, P>, data: P, organisationId: string, correlationId: string): void {
    this.pending.push(buildEvent(def, data, { organisationId, correlationId, source: SOURCE, time: this.time() }) as EventEnvelope);
  }

  private credentialBase(o: OrgState): CredentialStateChangedData {
    const s = this.pick(o.schemas);
    const toProfile = this.rand() < 0.4;
    const name = this.pick(FIRST_NAMES);
    return {
      credentialId: randomUUID(),
      name: s.name,
      schemaId: s.schemaId,
      schemaName: s.name,
      profile: s.profile,
      credentialType: s.credentialType,
      issuerDid: o.issuerDid,
      ...(toProfile ? { holderDid: { id: randomUUID(), did: `did:key:z6MkHolder${Math.floor(this.rand() * 1e9)}` } } : {}),
      activityId: randomUUID(),
      actorProfileId: 'issuer-service',
      recipient: toProfile
        ? { type: 'profile', identifier: `profile-${Math.floor(this.rand() * 1e6)}` }
        : { type: 'email', identifier: `${name.toLowerCase()}.${Math.floor(this.rand() * 1e6)}@example.com` },
      source: this.pick(['send', 'sendBoost', 'claimLink', 'inbox'] as const),
      boostUri: `urn:boost:${s.schemaId}`,
    };
  }

  private createdData(base: CredentialStateChangedData) {
    const { credentialUri: _u, inboxCredentialId: _i, reason: _r, error: _e, ...rest } = base;
    return {
      ...rest,
      claims: [
        { name: 'given_name', value: this.pick(FIRST_NAMES) },
        { name: 'family_name', value: `Family${Math.floor(this.rand() * 1e4)}` },
        { name: 'birth_date', value: `19${50 + Math.floor(this.rand() * 50)}-0${1 + Math.floor(this.rand() * 9)}-1${Math.floor(this.rand() * 9)}` },
      ],
      recipient: base.recipient,
      source: base.source,
      offerExpiresAt: new Date(this.startMs + this.spanMs + 30 * 86400000).toISOString(),
    };
  }

  /** Appends one scenario's events to `pending`. Weights give roughly: credentials+wallet 50%, proofs 20%, sessions 25%, identity/bridge 5%. */
  private scenario(): void {
    const o = this.pickOrg();
    const r = this.rand();
    const corr = randomUUID();
    if (r < 0.5) this.credentialChain(o, corr);
    else if (r < 0.68) this.proofChain(o, corr);
    else if (r < 0.95) this.sessionChain(o, corr);
    else this.identityOrBridge(o, corr);
  }

  private credentialChain(o: OrgState, corr: string): void {
    const base = this.credentialBase(o);
    this.emit(CredentialCreated, this.createdData(base), o.id, corr);
    this.emit(CredentialOffered, base, o.id, corr);
    const wallet = base.recipient.type === 'profile' ? this.pickOrg() : undefined;
    const walletData = wallet ? { ...base, issuerOrganisationId: o.id, credentialUri: `urn:credential:${base.credentialId}` } : undefined;
    if (wallet && walletData) this.emit(WalletCredentialReceived, walletData, wallet.id, corr);
    const r = this.rand();
    if (r < 0.72) {
      this.emit(CredentialAccepted, { ...base, credentialUri: `urn:credential:${base.credentialId}` }, o.id, corr);
      if (wallet && walletData) this.emit(WalletCredentialClaimed, walletData, wallet.id, corr);
      const s = this.rand();
      if (s < 0.08) this.emit(CredentialRevoked, { ...base, reason: 'superseded' }, o.id, corr);
      else if (s < 0.12) {
        this.emit(CredentialSuspended, base, o.id, corr);
        this.emit(CredentialReactivated, base, o.id, corr);
      }
    } else if (r < 0.82) this.emit(CredentialRejected, { ...base, reason: 'not mine' }, o.id, corr);
    else if (r < 0.92) this.emit(CredentialOfferExpired, base, o.id, corr);
    else this.emit(CredentialDeliveryFailed, { ...base, error: 'smtp: mailbox unavailable' }, o.id, corr);
  }

  private proofChain(o: OrgState, corr: string): void {
    const common = {
      proofId: randomUUID(),
      name: o.proofSchema.name,
      proofSchemaId: o.proofSchema.proofSchemaId,
      proofSchemaName: o.proofSchema.name,
      verifierDid: o.issuerDid,
      actorProfileId: 'verifier-service',
    };
    this.emit(ProofCreated, common, o.id, corr);
    this.emit(ProofRequested, common, o.id, corr);
    if (this.rand() < 0.85) {
      const s = this.pick(o.schemas);
      const presented = {
        ...common,
        holderDid: { id: randomUUID(), did: `did:key:z6MkHolder${Math.floor(this.rand() * 1e9)}` },
        credentials: [{ credentialId: randomUUID(), schemaId: s.schemaId }],
        claims: [{ name: 'birth_date', value: `19${50 + Math.floor(this.rand() * 50)}-01-01` }],
      };
      this.emit(ProofShared, presented, o.id, corr);
      this.emit(ProofAccepted, presented, o.id, corr);
    } else this.emit(ProofRejected, common, o.id, corr);
  }

  private sessionChain(o: OrgState, corr: string): void {
    const sessionId = randomUUID();
    if (this.rand() < 0.7) {
      const base = {
        target: `verifier-${o.id.slice(0, 8)}`,
        sessionId,
        format: this.pick(['mso_mdoc', 'vc+sd-jwt', 'jwt_vc_json']),
        signatureAlgorithm: this.pick(['ES256', 'EdDSA']),
        credentialType: this.pick(CREDENTIAL_TYPES),
        callId: randomUUID(),
      };
      this.emit(SessionVerification, { ...base, action: { type: 'init_session' }, status: { type: 'Open' } }, o.id, corr);
      const ok = this.rand() < 0.9;
      this.emit(
        SessionVerification,
        { ...base, action: { type: 'verify_presentation' }, status: { type: ok ? 'Success' : 'Failure' }, ...(ok ? {} : { error: 'signature invalid' }) },
        o.id,
        corr,
      );
    } else {
      const base = { target: `issuer-${o.id.slice(0, 8)}`, sessionId, credentialConfigurationId: this.pick(CREDENTIAL_TYPES), format: 'mso_mdoc' };
      this.emit(SessionIssuance, { ...base, action: { type: 'credential_offer' }, status: { type: 'Open' } }, o.id, corr);
      this.emit(SessionIssuance, { ...base, action: { type: 'credential_issued' }, status: { type: 'Success' } }, o.id, corr);
    }
  }

  private identityOrBridge(o: OrgState, corr: string): void {
    const r = this.rand();
    if (r < 0.6) {
      const interaction = { interactionId: randomUUID(), providerId: o.providerId, providerName: 'Corporate SSO', subject: `user-${Math.floor(this.rand() * 1e5)}`, source: 'BRIDGE' as const };
      if (this.rand() < 0.9) this.emit(InteractionSucceeded, interaction, o.id, corr);
      else this.emit(InteractionErrored, { ...interaction, error: 'invalid_grant' }, o.id, corr);
    } else if (r < 0.8) {
      const keyId = randomUUID();
      this.emit(KeyCreated, { keyId, name: 'rotated key', keyType: 'ECDSA', storageType: 'INTERNAL', actorProfileId: 'admin' }, o.id, corr);
      this.emit(DidCreated, { didId: randomUUID(), did: `did:key:z6MkRot${Math.floor(this.rand() * 1e9)}`, name: 'rotated', method: 'KEY', keyIds: [keyId], actorProfileId: 'admin' }, o.id, corr);
    } else {
      this.emit(BackupCreated, { backupId: randomUUID(), name: `backup-${Math.floor(this.rand() * 1e6)}.zip`, actorProfileId: 'holder' }, o.id, corr);
    }
  }
}
