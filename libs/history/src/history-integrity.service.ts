import type { DataSource } from 'typeorm';
import { TenantDatabase, type SqlQueryable } from '@cep/platform';
import { entryDigestSql, GENESIS_HASH } from './history-chain';
import { verifyChainLinks, type ChainCheckpointRow, type ChainLinkRow, type FirstBroken } from './history-chain.verify';

/** At most this many links per verification call (`limit`); `nextAfter` continues. */
export const INTEGRITY_MAX_LINKS = 100_000;

export interface IntegrityQuery {
  organisationId: string;
  /** Links that joined the chain at or after / at or before these times (`chained_at`). */
  from?: Date;
  to?: Date;
  /** Only links after this number (continuation of a previous call's `nextAfter`). */
  after?: number;
  limit?: number;
}

export interface IntegrityReport {
  valid: boolean;
  checkedLinks: number;
  checkedCheckpoints: number;
  firstSeq: number | null;
  lastSeq: number | null;
  /** Hash (hex) of the last link checked: an auditor may keep it and compare it later. */
  lastHash: string | null;
  /** The organisation's newest link number (0: no entry chained yet). */
  headSeq: number;
  /** true when every link of the range was checked; else `nextAfter` is the `after` of the next call. */
  complete: boolean;
  nextAfter: number | null;
  /** Keys of the checkpoints checked (`history.chain_keys`); compare with the keys you were given. */
  keyIds: string[];
  firstBroken: FirstBroken | null;
}

interface LinkSqlRow {
  seq: string;
  entry_id: string;
  digest: Buffer;
  hash: Buffer;
  current_digest: Buffer | null;
}

/** The answer when verification stops before any link is checked. */
const nothingChecked = (headSeq: number, firstBroken: FirstBroken): IntegrityReport => ({
  valid: false,
  checkedLinks: 0,
  checkedCheckpoints: 0,
  firstSeq: null,
  lastSeq: null,
  lastHash: null,
  headSeq,
  complete: true,
  nextAfter: null,
  keyIds: [],
  firstBroken,
});

/**
 * Verifies an organisation's tamper-evident history (docs/privacy.md "Tamper-evident history") through the
 * tenant's session (RLS): each link's entry is re-hashed from the row as it is now, the links re-chained from the
 * previous link's hash, and the signed checkpoints among them checked with the keys in `history.chain_keys`.
 * A call without `from`, `to` and `after` that reaches the head also checks that no link is missing at the end
 * and that no entry of the organisation is outside the chain.
 */
export class HistoryIntegrityService {
  private readonly db: TenantDatabase;

  constructor(db: TenantDatabase | DataSource) {
    this.db = TenantDatabase.of(db);
  }

  async verify(q: IntegrityQuery): Promise<IntegrityReport> {
    const limit = Math.min(Math.max(q.limit ?? INTEGRITY_MAX_LINKS, 1), INTEGRITY_MAX_LINKS);
    return this.db.run(q.organisationId, async (db) => {
      const params: unknown[] = [q.organisationId, String(q.after ?? 0), limit + 1];
      const where = [`c.organisation_id = $1`, `c.seq > $2::bigint`];
      if (q.from) where.push(`c.chained_at >= $${params.push(q.from.toISOString())}::timestamptz`);
      if (q.to) where.push(`c.chained_at <= $${params.push(q.to.toISOString())}::timestamptz`);
      const [rows, [head]] = await Promise.all([
        db.query(
          `SELECT c.seq::text AS seq, c.entry_id::text AS entry_id, c.digest, c.hash,
                  CASE WHEN e.id IS NULL THEN NULL ELSE ${entryDigestSql('e')} END AS current_digest
             FROM history.chain c LEFT JOIN history.entries e ON e.organisation_id = c.organisation_id AND e.id = c.entry_id
            WHERE ${where.join(' AND ')}
            ORDER BY c.seq LIMIT $3`,
          params,
        ) as Promise<LinkSqlRow[]>,
        db.query(`SELECT seq::text AS seq FROM history.chain_heads WHERE organisation_id = $1`, [q.organisationId]) as Promise<{ seq: string }[]>,
      ]);
      const headSeq = head ? Number(head.seq) : 0;
      const more = rows.length > limit;
      const links: ChainLinkRow[] = rows.slice(0, limit).map((r) => ({
        seq: BigInt(r.seq),
        entryId: r.entry_id,
        digest: r.digest,
        hash: r.hash,
        currentDigest: r.current_digest,
      }));
      const first = links[0]?.seq;
      const last = links[links.length - 1]?.seq;

      // The hash the range chains from: genesis, or the stored link before it (a break when that link is gone).
      let prevHash: Buffer = GENESIS_HASH;
      if (first !== undefined && first > 1n) {
        const [prev]: { hash: Buffer }[] = await db.query(`SELECT hash FROM history.chain WHERE organisation_id = $1 AND seq = $2::bigint`, [
          q.organisationId,
          String(first - 1n),
        ]);
        if (!prev) return nothingChecked(headSeq, { seq: String(first - 1n), entryId: null, reason: 'link_missing' });
        prevHash = prev.hash;
      }
      const cps: { seq: string; hash: Buffer; key_id: string; signature: Buffer }[] = links.length
        ? await db.query(
            `SELECT seq::text AS seq, hash, key_id, signature FROM history.chain_checkpoints WHERE organisation_id = $1 AND seq BETWEEN $2::bigint AND $3::bigint`,
            [q.organisationId, String(first), String(last)],
          )
        : [];
      const keyIds = [...new Set(cps.map((c) => c.key_id))].sort();
      const keys: { key_id: string; public_key: string }[] = keyIds.length
        ? await db.query(`SELECT key_id, public_key FROM history.chain_keys WHERE key_id = ANY ($1::text[])`, [keyIds])
        : [];
      const checkpoints: ChainCheckpointRow[] = cps.map((c) => ({ seq: BigInt(c.seq), hash: c.hash, keyId: c.key_id, signature: c.signature }));
      const v = verifyChainLinks(q.organisationId, (first ?? 1n) - 1n, prevHash, links, checkpoints, new Map(keys.map((k) => [k.key_id, k.public_key])));

      // Read up to the head (no `to`, nothing left after `limit`): links missing at the end, and, for the whole
      // chain, entries outside it. With only `from` and no link found, where the chain ended before it is unknown.
      let firstBroken = v.firstBroken;
      const reachedHead = !more && !q.to;
      const checkedTo = last ?? (q.from ? null : BigInt(q.after ?? 0));
      if (!firstBroken && reachedHead && checkedTo !== null && checkedTo < BigInt(headSeq)) {
        firstBroken = { seq: String(checkedTo + 1n), entryId: null, reason: 'link_missing' };
      }
      if (!firstBroken && reachedHead && !q.from && !q.after) firstBroken = await this.unchained(db, q.organisationId);
      return {
        valid: firstBroken === null,
        checkedLinks: v.checkedLinks,
        checkedCheckpoints: v.checkedCheckpoints,
        firstSeq: v.firstSeq === null ? null : Number(v.firstSeq),
        lastSeq: v.lastSeq === null ? null : Number(v.lastSeq),
        lastHash: v.lastHash,
        headSeq,
        complete: !more || firstBroken !== null,
        nextAfter: more && !firstBroken ? Number(last) : null,
        keyIds,
        firstBroken,
      };
    });
  }

  /** For a whole-chain check: an entry of the organisation that has no link (inserted past the projector). */
  private async unchained(db: SqlQueryable, organisationId: string): Promise<FirstBroken | null> {
    const [row]: { id: string }[] = await db.query(
      `SELECT e.id::text AS id FROM history.entries e
        WHERE e.organisation_id = $1
          AND NOT EXISTS (SELECT 1 FROM history.chain c WHERE c.organisation_id = e.organisation_id AND c.entry_id = e.id)
        LIMIT 1`,
      [organisationId],
    );
    return row ? { seq: null, entryId: row.id, reason: 'entry_not_in_chain' } : null;
  }
}
