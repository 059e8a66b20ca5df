import { randomUUID } from 'crypto';
import type { DataSource } from 'typeorm';
import {
  buildEvent,
  CredentialAccepted,
  CredentialCreated,
  CredentialOffered,
  CredentialPending,
  EVENT_REGISTRY,
  newEventId,
  parseEvent,
  SessionVerification,
  type EventEnvelope,
} from '@cep/contracts';
import type { Projection } from '@cep/messaging';

/** What the security suite seeded for one organisation: ids to name in paths, and a canary to look for. */
export interface OrgFixture {
  org: string;
  /** A string present in this organisation's rows (names, targets): must never appear in another tenant's response. */
  canary: string;
  credentialIds: string[];
  activityIds: string[];
  /** Ids of this organisation's history entries (= event ids of its credential events). */
  historyIds: string[];
  /** UTC date of the seeded events (YYYY-MM-DD). */
  day: string;
}

function received(e: EventEnvelope): EventEnvelope {
  const r = parseEvent(JSON.stringify(e), EVENT_REGISTRY);
  if (!r.ok) throw new Error(`fixture event rejected: ${r.reason}: ${r.error}`);
  return r.event;
}

/** Two issued-and-accepted credentials and two verification sessions: the events the producers publish. */
export function orgEvents(org: string, time: Date): { fixture: OrgFixture; events: EventEnvelope[] } {
  const canary = `canary-${org}`;
  const meta = (i: number) => ({ organisationId: org, correlationId: randomUUID(), source: 'urn:cep:issuer', time: new Date(time.getTime() + i * 1000) });
  const events: EventEnvelope[] = [];
  const fixture: OrgFixture = { org, canary, credentialIds: [], activityIds: [], historyIds: [], day: time.toISOString().slice(0, 10) };
  for (const [n, credentialType] of ['org.iso.18013.5.1.mDL', 'eu.europa.ec.eudi.pid.1'].entries()) {
    const credentialId = newEventId();
    const activityId = newEventId();
    const base = {
      credentialId,
      name: `${canary} credential ${n}`,
      schemaId: randomUUID(),
      schemaName: `${canary} schema`,
      profile: 'mdoc' as const,
      credentialType,
      issuerDid: { id: randomUUID(), did: `did:key:${canary}`, name: `${canary} issuer` },
      activityId,
      actorProfileId: `${canary}-actor`,
      recipient: { type: 'email' as const, identifier: `${canary}@example.com` },
      boostUri: `urn:boost:${canary}`,
      integrationId: `${canary}-integration`,
      source: 'send' as const,
    };
    const created = buildEvent(
      CredentialCreated,
      { ...base, claims: [{ name: 'Family name', value: `${canary}-claim` }], offerExpiresAt: new Date(time.getTime() + 30 * 86400000).toISOString() },
      meta(n * 10),
    );
    const pending = buildEvent(CredentialPending, base, meta(n * 10 + 1));
    const offered = buildEvent(CredentialOffered, base, meta(n * 10 + 2));
    const accepted = buildEvent(CredentialAccepted, base, meta(n * 10 + 3));
    events.push(created, pending, offered, accepted);
    fixture.credentialIds.push(credentialId);
    fixture.activityIds.push(activityId);
    fixture.historyIds.push(created.id, pending.id, offered.id, accepted.id);
    events.push(
      buildEvent(
        SessionVerification,
        {
          target: `${canary}.verifier`,
          action: { type: 'init_session' },
          status: { type: 'Open' },
          callId: `${canary}-call-${n}`,
          sessionId: `${canary}-session-${n}`,
          format: 'vc+sd-jwt',
          signatureAlgorithm: 'ES256',
          credentialType: 'identity_credential',
        },
        { ...meta(n * 10 + 4), source: 'urn:cep:verifier' },
      ),
    );
  }
  return { fixture, events: events.map(received) };
}

/**
 * Writes the events into every read model with the projections' own code (pure function + SQL writer),
 * one transaction per projection and topic, as the batch runner does. A projection that fails is reported
 * (its endpoints' baseline cases then fail) without stopping the others.
 */
export async function projectEvents(ds: DataSource, projections: Projection[], events: EventEnvelope[]): Promise<Record<string, string>> {
  const failures: Record<string, string> = {};
  for (const p of projections) {
    try {
      await projectOne(ds, p, events);
    } catch (err) {
      failures[p.name] = (err as Error).message;
    }
  }
  return failures;
}

async function projectOne(ds: DataSource, p: Projection, events: EventEnvelope[]): Promise<void> {
  {
    const mine = events.filter((e) => p.handles.includes(e.type));
    for (const topic of p.topics) {
      const batch = mine.filter((e) => EVENT_REGISTRY.get(e.type)?.topic === topic);
      if (!batch.length) continue;
      const qr = ds.createQueryRunner();
      await qr.connect();
      try {
        await qr.startTransaction();
        await p.apply(batch, { tx: qr, topic, partition: 0 });
        await qr.commitTransaction();
      } catch (err) {
        await qr.rollbackTransaction();
        throw err;
      } finally {
        await qr.release();
      }
    }
  }
}
