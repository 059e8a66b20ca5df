import { checkpointMessage, linkHash, verifySignature } from './history-chain';

/** One link as stored, with the digest of its entry as it is now (null: the entry row is gone). */
export interface ChainLinkRow {
  seq: bigint;
  entryId: string;
  digest: Buffer;
  hash: Buffer;
  /** SHA-256 of the entry's preimage recomputed from the row now; null when no entry row has this id. */
  currentDigest: Buffer | null;
}

export interface ChainCheckpointRow {
  seq: bigint;
  hash: Buffer;
  keyId: string;
  signature: Buffer;
}

/** Why a chain does not verify, each at the first link it concerns (the API's `firstBroken.reason`). */
export const CHAIN_BREAKS = [
  'link_missing', // a link number is skipped (a chain row was deleted), or links end before the head
  'entry_missing', // the entry of a link is gone
  'entry_modified', // the entry's content no longer matches the link's digest
  'link_broken', // the link's hash is not SHA-256(previous hash || digest)
  'checkpoint_mismatch', // a signed checkpoint names another hash for its link
  'checkpoint_signature_invalid', // the signature does not verify with the checkpoint's key
  'checkpoint_key_unknown', // the checkpoint's key is not among the trusted ones
  'entry_not_in_chain', // an entry of the organisation has no link (inserted past the projector)
] as const;

export type ChainBreak = (typeof CHAIN_BREAKS)[number];

export interface FirstBroken {
  seq: string | null;
  entryId: string | null;
  reason: ChainBreak;
}

export interface ChainVerification {
  checkedLinks: number;
  checkedCheckpoints: number;
  firstSeq: string | null;
  lastSeq: string | null;
  /** The hash of the last link checked (hex). */
  lastHash: string | null;
  firstBroken: FirstBroken | null;
}

/**
 * Verifies consecutive links (ascending `seq`) that follow a link whose hash is `prevHash` and whose number is
 * `prevSeq` (GENESIS_HASH and 0 for the chain's start), and the checkpoints among them (any order). `keys`: the
 * trusted public keys (SPKI PEM) by key id. Stops at the first broken link. Pure.
 */
export function verifyChainLinks(
  organisationId: string,
  prevSeq: bigint,
  prevHash: Buffer,
  links: readonly ChainLinkRow[],
  checkpoints: readonly ChainCheckpointRow[],
  keys: ReadonlyMap<string, string>,
): ChainVerification {
  const bySeq = new Map(checkpoints.map((c) => [c.seq, c]));
  let expectedSeq = prevSeq + 1n;
  let prev = prevHash;
  let checkedCheckpoints = 0;
  const out: ChainVerification = { checkedLinks: 0, checkedCheckpoints: 0, firstSeq: null, lastSeq: null, lastHash: null, firstBroken: null };
  const broken = (l: ChainLinkRow | null, reason: ChainBreak, seq?: bigint) => ({
    ...out,
    checkedCheckpoints,
    firstBroken: { seq: String(seq ?? l?.seq ?? expectedSeq), entryId: l?.entryId ?? null, reason },
  });
  for (const l of links) {
    if (l.seq !== expectedSeq) return broken(null, 'link_missing', expectedSeq);
    if (l.currentDigest === null) return broken(l, 'entry_missing');
    if (!l.currentDigest.equals(l.digest)) return broken(l, 'entry_modified');
    const h = linkHash(prev, l.digest);
    if (!h.equals(l.hash)) return broken(l, 'link_broken');
    const cp = bySeq.get(l.seq);
    if (cp) {
      if (!cp.hash.equals(h)) return broken(l, 'checkpoint_mismatch');
      const key = keys.get(cp.keyId);
      if (!key) return broken(l, 'checkpoint_key_unknown');
      if (!verifySignature(key, checkpointMessage(organisationId, l.seq, h), cp.signature)) return broken(l, 'checkpoint_signature_invalid');
      checkedCheckpoints++;
    }
    prev = h;
    out.checkedLinks++;
    out.firstSeq ??= String(l.seq);
    out.lastSeq = String(l.seq);
    out.lastHash = h.toString('hex');
    expectedSeq++;
  }
  return { ...out, checkedCheckpoints };
}
