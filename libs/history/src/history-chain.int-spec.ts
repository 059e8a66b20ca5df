import { randomUUID } from 'crypto';
import type { DataSource } from 'typeorm';
import type { EventEnvelope } from '@cep/contracts';
import { TenantDatabase } from '@cep/platform';
import { newOrgId, testDataSource } from '@cep/testing';
import { chainSigner, setHistoryChainSettings } from './history-chain';
import { HistoryIntegrityService } from './history-integrity.service';
import { writeHistoryBatch } from './history.projection';
import { historyScenario } from './testing';

/**
 * The tamper-evident history on real PostgreSQL: the projector chains every inserted entry (replays add
 * nothing), checkpoints are signed, and the verification (as the gateway runs it: a tenant session under RLS)
 * passes for honest traffic and names the first broken link after a row is edited, deleted or forged in SQL.
 */
describe('history: tamper-evident chain (PostgreSQL)', () => {
  let ds: DataSource;
  let tenant: TenantDatabase;
  let integrity: HistoryIntegrityService;
  const signer = chainSigner();

  beforeAll(async () => {
    ds = await testDataSource();
    tenant = new TenantDatabase(ds);
    integrity = new HistoryIntegrityService(tenant);
    setHistoryChainSettings({ enabled: true, signer, checkpointEvery: 5, checkpointMs: 3_600_000 });
  });
  afterAll(async () => {
    setHistoryChainSettings();
    await tenant.onApplicationShutdown();
    await ds.destroy();
  });

  const project = (events: readonly EventEnvelope[]) => ds.transaction((em) => writeHistoryBatch(em.queryRunner!, events));
  const links = async (org: string) =>
    (await ds.query(`SELECT seq::int AS seq, entry_id::text AS entry FROM history.chain WHERE organisation_id = $1 ORDER BY seq`, [org])) as { seq: number; entry: string }[];

  /** An organisation with the scenario's events projected in three batches, the middle one replayed. */
  async function seeded() {
    const org = newOrgId();
    const s = historyScenario(org);
    const third = Math.ceil(s.events.length / 3);
    const batches = [s.events.slice(0, third), s.events.slice(third, 2 * third), s.events.slice(2 * third)];
    for (const b of batches) await project(b);
    await project(batches[1]); // a replay (redelivery after a crash): no entry, no link
    return { org, s };
  }

  it('chains every entry once, in projection order, with signed checkpoints; honest traffic and replays verify', async () => {
    const { org, s } = await seeded();
    const chain = await links(org);
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM history.entries WHERE organisation_id = $1`, [org]);
    expect(n).toBe(s.events.length);
    expect(chain.map((l) => l.seq)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(new Set(chain.map((l) => l.entry)).size).toBe(n);
    const cps: { seq: number; key_id: string }[] = await ds.query(`SELECT seq::int AS seq, key_id FROM history.chain_checkpoints WHERE organisation_id = $1 ORDER BY seq`, [org]);
    expect(cps.length).toBeGreaterThanOrEqual(2);
    expect(new Set(cps.map((c) => c.key_id))).toEqual(new Set([signer.keyId]));

    const r = await integrity.verify({ organisationId: org });
    expect(r).toMatchObject({ valid: true, checkedLinks: n, firstSeq: 1, lastSeq: n, headSeq: n, complete: true, firstBroken: null, keyIds: [signer.keyId] });
    expect(r.checkedCheckpoints).toBe(cps.length);
    // paging through the chain gives the same verdict
    const p1 = await integrity.verify({ organisationId: org, limit: 4 });
    expect(p1).toMatchObject({ valid: true, checkedLinks: 4, complete: false, nextAfter: 4 });
    const p2 = await integrity.verify({ organisationId: org, after: 4 });
    expect(p2).toMatchObject({ valid: true, checkedLinks: n - 4, firstSeq: 5, complete: true });
  });

  it('an entry edited in SQL is named (entry_modified), and only re-stamped columns may change', async () => {
    const { org } = await seeded();
    const chain = await links(org);
    const victim = chain[3];
    // Re-stamping (relations, search text) is part of honest traffic: not covered by the digest.
    await ds.query(`UPDATE history.entries SET related_ids = related_ids || $2::uuid WHERE id = $1`, [victim.entry, randomUUID()]);
    expect((await integrity.verify({ organisationId: org })).valid).toBe(true);
    const [{ name }] = await ds.query(`SELECT name FROM history.entries WHERE id = $1`, [victim.entry]);
    await ds.query(`UPDATE history.entries SET name = 'edited' WHERE id = $1`, [victim.entry]);
    expect((await integrity.verify({ organisationId: org })).firstBroken).toEqual({ seq: String(victim.seq), entryId: victim.entry, reason: 'entry_modified' });
    // metadata too
    const other = chain[6];
    await ds.query(`UPDATE history.entries SET name = $2 WHERE id = $1`, [victim.entry, name]); // restored: valid again
    expect((await integrity.verify({ organisationId: org })).valid).toBe(true);
    await ds.query(`UPDATE history.entries SET metadata = metadata || '{"x": 1}' WHERE id = $1`, [other.entry]);
    expect((await integrity.verify({ organisationId: org })).firstBroken).toMatchObject({ seq: String(other.seq), reason: 'entry_modified' });
  });

  it('a deleted entry, a deleted link, a forged entry and a forged checkpoint are each named', async () => {
    const deleted = await seeded();
    const c1 = await links(deleted.org);
    await ds.query(`DELETE FROM history.entries WHERE id = $1`, [c1[2].entry]);
    expect((await integrity.verify({ organisationId: deleted.org })).firstBroken).toEqual({ seq: '3', entryId: c1[2].entry, reason: 'entry_missing' });

    const unlinked = await seeded();
    await ds.query(`DELETE FROM history.chain WHERE organisation_id = $1 AND seq = 5`, [unlinked.org]);
    expect((await integrity.verify({ organisationId: unlinked.org })).firstBroken).toMatchObject({ seq: '5', reason: 'link_missing' });
    const tail = await seeded();
    const c3 = await links(tail.org);
    await ds.query(`DELETE FROM history.chain WHERE organisation_id = $1 AND seq = $2`, [tail.org, c3.length]);
    expect((await integrity.verify({ organisationId: tail.org })).firstBroken).toMatchObject({ seq: String(c3.length), reason: 'link_missing' });
    // continuing after the last link still there: nothing left to read, but the head says one more
    expect((await integrity.verify({ organisationId: tail.org, after: c3.length - 1 })).firstBroken).toMatchObject({ seq: String(c3.length), reason: 'link_missing' });

    const forged = await seeded();
    const fake = randomUUID();
    await ds.query(
      `INSERT INTO history.entries (id, organisation_id, created_date, action, entity_id, entity_type, name, source, target, event_type, metadata, related_ids)
       SELECT $2, organisation_id, created_date, action, entity_id, entity_type, name, source, target, event_type, metadata, related_ids FROM history.entries WHERE organisation_id = $1 LIMIT 1`,
      [forged.org, fake],
    );
    expect((await integrity.verify({ organisationId: forged.org })).firstBroken).toEqual({ seq: null, entryId: fake, reason: 'entry_not_in_chain' });

    const resigned = await seeded();
    const [cp] = await ds.query(`SELECT seq::int AS seq FROM history.chain_checkpoints WHERE organisation_id = $1 ORDER BY seq LIMIT 1`, [resigned.org]);
    const other = chainSigner();
    await ds.query(`UPDATE history.chain_checkpoints SET signature = $3 WHERE organisation_id = $1 AND seq = $2`, [resigned.org, cp.seq, other.sign(Buffer.from('x'))]);
    expect((await integrity.verify({ organisationId: resigned.org })).firstBroken).toMatchObject({ seq: String(cp.seq), reason: 'checkpoint_signature_invalid' });
  });

  it('a link re-hashed to cover an edit breaks at the next link or checkpoint', async () => {
    const { org } = await seeded();
    const chain = await links(org);
    const victim = chain[1];
    // The attacker edits the entry and rewrites its link's digest and hash consistently...
    await ds.query(`UPDATE history.entries SET name = 'forged' WHERE id = $1`, [victim.entry]);
    await ds.query(
      `UPDATE history.chain c SET digest = sha256(convert_to(jsonb_build_array(e.id, e.organisation_id, to_char(e.created_date AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), e.action, e.entity_id, e.entity_type, e.name, e.source, e.target, e.event_type, e.metadata)::text, 'UTF8'))
         FROM history.entries e WHERE c.organisation_id = $1 AND c.entry_id = e.id AND e.id = $2`,
      [org, victim.entry],
    );
    const r = await integrity.verify({ organisationId: org });
    expect(r.firstBroken).toMatchObject({ seq: String(victim.seq), reason: 'link_broken' });
  });

  it('each organisation verifies only its own chain (RLS), and a range by time checks only its links', async () => {
    const a = await seeded();
    const b = await seeded();
    await ds.query(`UPDATE history.entries SET name = 'tampered' WHERE organisation_id = $1`, [b.org]);
    expect((await integrity.verify({ organisationId: a.org })).valid).toBe(true);
    expect((await integrity.verify({ organisationId: b.org })).valid).toBe(false);
    const none = await integrity.verify({ organisationId: newOrgId() });
    expect(none).toMatchObject({ valid: true, checkedLinks: 0, headSeq: 0 });
    const future = await integrity.verify({ organisationId: a.org, from: new Date(Date.now() + 3_600_000) });
    expect(future).toMatchObject({ valid: true, checkedLinks: 0 });
    const past = await integrity.verify({ organisationId: a.org, to: new Date() });
    expect(past.valid).toBe(true);
    expect(past.checkedLinks).toBe((await links(a.org)).length);
  });

  it('concurrent batches of one organisation (two projector instances) number the links without gaps', async () => {
    const org = newOrgId();
    const batches = Array.from({ length: 6 }, () => historyScenario(org).events);
    await Promise.all(batches.map((b) => project(b)));
    const chain = await links(org);
    const total = batches.reduce((s, b) => s + b.length, 0);
    expect(chain.map((l) => l.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect((await integrity.verify({ organisationId: org })).valid).toBe(true);
  });
});
