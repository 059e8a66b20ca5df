import { GENESIS_HASH, checkpointMessage, historyChainSettings, linkHash, type HistoryChainSettings } from './history-chain';

interface Tx {
  query(sql: string, params?: unknown[]): Promise<any>;
}

/** An entry the batch inserted (not a replay), in projection order, with the digest of its preimage. */
export interface ChainedEntry {
  id: string;
  organisationId: string;
  digest: Buffer;
}

/**
 * Appends the batch's newly inserted entries to their organisations' chains, inside the batch's transaction:
 * 1. the organisations' heads are created when missing and locked (one upsert, in one sorted order), so appends
 *    for one organisation are serialized across projector instances and the links are numbered without gaps;
 * 2. the links (seq, digest, hash = SHA-256(previous hash || digest)) are inserted set-based and the heads moved,
 *    in one statement;
 * 3. a head that is HISTORY_CHAIN_CHECKPOINT_EVERY links or HISTORY_CHAIN_CHECKPOINT_MINUTES past its last
 *    checkpoint (or has none yet) is signed (Ed25519) and stored as a checkpoint with the signer's key id.
 * Replays insert no entry, so they add no link: the chain is exactly-once with the entries. Called last in the
 * batch, so the head rows stay locked only until the commit.
 */
export async function appendToHistoryChain(tx: Tx, entries: readonly ChainedEntry[], s: HistoryChainSettings = historyChainSettings()): Promise<void> {
  if (!s.enabled || !entries.length) return;
  const orgs = [...new Set(entries.map((e) => e.organisationId))].sort();
  // One round trip: each head created when missing, locked (ON CONFLICT DO UPDATE locks the row, in this sorted
  // order) and returned as it is.
  const heads: { organisation_id: string; seq: string; hash: Buffer; checkpoint_seq: string; checkpoint_at: Date | null; now: Date }[] = await tx.query(
    `INSERT INTO history.chain_heads AS h (organisation_id, seq, hash) SELECT o, 0, $2 FROM unnest($1::text[]) AS o ORDER BY o
     ON CONFLICT (organisation_id) DO UPDATE SET seq = h.seq
     RETURNING h.organisation_id, h.seq::text AS seq, h.hash, h.checkpoint_seq::text AS checkpoint_seq, h.checkpoint_at, clock_timestamp() AS now`,
    [orgs, GENESIS_HASH],
  );
  const head = new Map(heads.map((h) => [h.organisation_id, { seq: BigInt(h.seq), hash: h.hash }]));
  const link = { org: [] as string[], seq: [] as string[], entry: [] as string[], digest: [] as Buffer[], hash: [] as Buffer[] };
  for (const e of entries) {
    const h = head.get(e.organisationId)!;
    h.seq += 1n;
    h.hash = linkHash(h.hash, e.digest);
    link.org.push(e.organisationId);
    link.seq.push(String(h.seq));
    link.entry.push(e.id);
    link.digest.push(e.digest);
    link.hash.push(h.hash);
  }

  const cp = { org: [] as string[], seq: [] as string[], hash: [] as Buffer[], sig: [] as Buffer[] };
  const moved = { org: [] as string[], seq: [] as string[], hash: [] as Buffer[], checkpointed: [] as boolean[] };
  for (const r of heads) {
    const h = head.get(r.organisation_id)!;
    const sinceSeq = h.seq - BigInt(r.checkpoint_seq);
    const due =
      r.checkpoint_at === null || sinceSeq >= BigInt(s.checkpointEvery) || r.now.getTime() - r.checkpoint_at.getTime() >= s.checkpointMs;
    moved.org.push(r.organisation_id);
    moved.seq.push(String(h.seq));
    moved.hash.push(h.hash);
    moved.checkpointed.push(due);
    if (due) {
      cp.org.push(r.organisation_id);
      cp.seq.push(String(h.seq));
      cp.hash.push(h.hash);
      cp.sig.push(s.signer.sign(checkpointMessage(r.organisation_id, h.seq, h.hash)));
    }
  }
  // One round trip: the links and the moved heads.
  await tx.query(
    `WITH links AS (
       INSERT INTO history.chain (organisation_id, seq, entry_id, chained_at, digest, hash)
       SELECT o, s, e, clock_timestamp(), d, h FROM unnest($5::text[], $6::bigint[], $7::uuid[], $8::bytea[], $9::bytea[]) AS l(o, s, e, d, h)
     )
     UPDATE history.chain_heads h SET seq = m.s, hash = m.h,
            checkpoint_seq = CASE WHEN m.c THEN m.s ELSE h.checkpoint_seq END,
            checkpoint_at = CASE WHEN m.c THEN clock_timestamp() ELSE h.checkpoint_at END
       FROM unnest($1::text[], $2::bigint[], $3::bytea[], $4::boolean[]) AS m(o, s, h, c)
      WHERE h.organisation_id = m.o`,
    [moved.org, moved.seq, moved.hash, moved.checkpointed, link.org, link.seq, link.entry, link.digest, link.hash],
  );
  if (cp.org.length) {
    await tx.query(`INSERT INTO history.chain_keys (key_id, public_key) VALUES ($1, $2) ON CONFLICT (key_id) DO NOTHING`, [
      s.signer.keyId,
      s.signer.publicKeyPem,
    ]);
    await tx.query(
      `INSERT INTO history.chain_checkpoints (organisation_id, seq, hash, signed_at, key_id, signature)
       SELECT o, s, h, clock_timestamp(), $5, g FROM unnest($1::text[], $2::bigint[], $3::bytea[], $4::bytea[]) AS c(o, s, h, g)`,
      [cp.org, cp.seq, cp.hash, cp.sig, s.signer.keyId],
    );
  }
}
