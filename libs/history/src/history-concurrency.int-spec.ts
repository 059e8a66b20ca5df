import { randomUUID } from 'crypto';
import type { DataSource, QueryRunner } from 'typeorm';
import {
  buildEvent,
  CredentialCreated,
  CredentialPending,
  ProofCreated,
  ProofRequested,
  WalletCredentialReceived,
  WalletProofShared,
  type EventEnvelope,
} from '@cep/contracts';
import { expectEventually, newOrgId, testDataSource } from '@cep/testing';
import { toHistoryDraft } from './history-entry.mapper';
import { writeHistoryBatch } from './history.projection';
import { HistoryQueryService } from './history-query.service';

/**
 * Two partitions' batches for the same new entities, applied by two concurrent transactions (the runner applies
 * each partition's batch in its own transaction): the proofs topic's events of a proof and the wallet topic's
 * `wallet.proof-shared` of it, the credentials topic's events of a credential and the wallet topic's
 * `wallet.credential-received` of it. Each carries part of the entity's relations; the history must end up with
 * the union on the entity row and on every entry, whichever transaction comes first.
 */
describe('history: concurrent batches for the same new entity (PostgreSQL)', () => {
  let ds: DataSource;
  let svc: HistoryQueryService;

  beforeAll(async () => {
    ds = await testDataSource();
    svc = new HistoryQueryService(ds);
  });
  afterAll(async () => ds.destroy());

  const did = (tag: string) => {
    const id = randomUUID();
    return { id, did: `did:key:z6Mk${tag}${id.slice(0, 8)}`, name: tag };
  };

  /** Per entity, one batch from the producer's topic and one from the wallet topic; `k` entities per batch. */
  function workload(org: string, k: number) {
    const meta = (i: number) => ({ organisationId: org, correlationId: randomUUID(), source: 'urn:cep:test', time: new Date(Date.UTC(2025, 2, 6, 8, 0, i)) });
    const producer: EventEnvelope[] = [];
    const wallet: EventEnvelope[] = [];
    let t = 0;
    for (let i = 0; i < k; i++) {
      const verifierDid = did('Verifier');
      const holderDid = did('Holder');
      const proof = { proofId: randomUUID(), name: 'Border check', proofSchemaId: randomUUID(), proofSchemaName: 'Border check', verifierDid, actorProfileId: 'verifier' };
      producer.push(buildEvent(ProofCreated, proof, meta(t++)), buildEvent(ProofRequested, proof, meta(t++)));
      // the wallet's copy knows the presented credentials but not the proof schema
      wallet.push(
        buildEvent(
          WalletProofShared,
          { proofId: proof.proofId, name: proof.name, verifierDid, holderDid, credentials: [{ credentialId: randomUUID(), schemaId: randomUUID() }], actorProfileId: 'holder' },
          meta(t++),
        ),
      );
      const issuerDid = did('Issuer');
      const credential = {
        credentialId: randomUUID(),
        name: 'Driving licence',
        schemaId: randomUUID(),
        schemaName: 'Driving licence',
        profile: 'sd-jwt-vc' as const,
        credentialType: 'IdentityCredential',
        issuerDid,
        activityId: randomUUID(),
        actorProfileId: 'issuer',
        recipient: { type: 'profile' as const, identifier: 'holder-profile' },
        source: 'send' as const,
      };
      // the issuer does not know the holder DID yet; the wallet's copy does
      producer.push(buildEvent(CredentialCreated, { ...credential, claims: [{ name: 'family_name', value: 'Doe' }], offerExpiresAt: '2026-12-31T00:00:00.000Z' }, meta(t++)));
      producer.push(buildEvent(CredentialPending, credential, meta(t++)));
      wallet.push(buildEvent(WalletCredentialReceived, { ...credential, holderDid, issuerOrganisationId: org }, meta(t++)));
    }
    // the wallet partition sees the entities in the other order (lock order must not depend on batch order)
    wallet.reverse();
    return { producer, wallet };
  }

  /** Expected relations per entity: the union of its events' relations. */
  function expectedRelations(events: readonly EventEnvelope[]) {
    const byEntity = new Map<string, Set<string>>();
    for (const e of events) {
      const d = toHistoryDraft(e)!;
      const s = byEntity.get(d.entityId) ?? new Set<string>();
      d.related.forEach((r) => s.add(r));
      byEntity.set(d.entityId, s);
    }
    return new Map([...byEntity].map(([id, s]) => [id, [...s].sort()]));
  }

  async function begin(): Promise<{ tx: QueryRunner; pid: number }> {
    const tx = ds.createQueryRunner();
    await tx.connect();
    await tx.startTransaction();
    const [{ pid }] = await tx.query('SELECT pg_backend_pid() AS pid');
    return { tx, pid };
  }

  const end = async (tx: QueryRunner) => {
    await tx.commitTransaction();
    await tx.release();
  };

  /**
   * The first batch is applied (not committed) while the second starts; once the second is blocked on a lock (or
   * done, for code that does not lock), the first commits, then the second. Deterministic interleaving: both
   * transactions read the entity state before either has committed.
   */
  async function interleaved(first: EventEnvelope[], second: EventEnvelope[]) {
    const a = await begin();
    const b = await begin();
    try {
      await writeHistoryBatch(a.tx, first);
      let done = false;
      const pending = writeHistoryBatch(b.tx, second).finally(() => (done = true));
      pending.catch(() => undefined);
      await expectEventually(async () => {
        if (done) return;
        const [{ waiting }] = await ds.query(`SELECT count(*)::int AS waiting FROM pg_locks WHERE pid = $1 AND NOT granted`, [b.pid]);
        expect(waiting).toBeGreaterThan(0);
      });
      await end(a.tx);
      await pending;
      await end(b.tx);
    } catch (e) {
      for (const { tx } of [a, b]) if (!tx.isReleased) await tx.rollbackTransaction().finally(() => tx.release());
      throw e;
    }
  }

  /** Both batches at once, each committing as soon as it is written (the scheduler picks the interleaving). */
  async function free(x: EventEnvelope[], y: EventEnvelope[]) {
    await Promise.all(
      [x, y].map(async (events) => {
        const { tx } = await begin();
        try {
          await writeHistoryBatch(tx, events);
          await end(tx);
        } catch (e) {
          await tx.rollbackTransaction().finally(() => tx.release());
          throw e;
        }
      }),
    );
  }

  async function verify(org: string, events: readonly EventEnvelope[]) {
    const expected = expectedRelations(events);
    const entities: { entity_id: string; related_ids: string[] }[] = await ds.query(
      `SELECT entity_id::text, related_ids::text[] AS related_ids FROM history.entities WHERE organisation_id = $1`,
      [org],
    );
    expect(new Map(entities.map((r) => [r.entity_id, [...r.related_ids].sort()]))).toEqual(expected);
    const entries: { id: string; entity_id: string; related_ids: string[] }[] = await ds.query(
      `SELECT id::text, entity_id::text, related_ids::text[] AS related_ids FROM history.entries WHERE organisation_id = $1`,
      [org],
    );
    expect(entries).toHaveLength(events.length);
    for (const e of entries) expect({ id: e.id, related: [...e.related_ids].sort() }).toEqual({ id: e.id, related: expected.get(e.entity_id) });
    // every relation filter (schema, proof schema, DID, credential, proof): totalItems = the recount from the events
    const recount = new Map<string, number>();
    for (const e of events) for (const r of expected.get(toHistoryDraft(e)!.entityId)!) recount.set(r, (recount.get(r) ?? 0) + 1);
    for (const [id, n] of recount) {
      const page = await svc.list({ organisationId: org, relatedIds: [id], pageSize: 50 });
      expect({ id, totalItems: page.totalItems, listed: page.values.length }).toEqual({ id, totalItems: n, listed: n });
    }
  }

  const REPETITIONS = 15;

  it.each([
    ['producer topic first', 'producer'],
    ['wallet topic first', 'wallet'],
  ] as const)('interleaved, %s: every entry and the entity carry the union of relations (repeated)', async (_label, firstTopic) => {
    for (let i = 0; i < REPETITIONS; i++) {
      const org = newOrgId();
      const w = workload(org, 3);
      const [first, second] = firstTopic === 'producer' ? [w.producer, w.wallet] : [w.wallet, w.producer];
      await interleaved(first, second);
      await verify(org, [...w.producer, ...w.wallet]);
    }
  });

  it('free-running concurrent batches, both orders: the same result every time', async () => {
    for (let i = 0; i < REPETITIONS * 2; i++) {
      const org = newOrgId();
      const w = workload(org, 3);
      if (i % 2) await free(w.producer, w.wallet);
      else await free(w.wallet, w.producer);
      await verify(org, [...w.producer, ...w.wallet]);
    }
  });
});
