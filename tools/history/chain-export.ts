import {
  entryPreimageSql,
  GENESIS_HASH,
  sha256,
  verifyChainLinks,
  type ChainLinkRow,
  type ChainVerification,
} from '@cep/history';

/** The export format's first line. */
export const CHAIN_EXPORT_FORMAT = 'cep-history-chain/v1';

interface Sql {
  query(sql: string, params?: unknown[]): Promise<any>;
}

/** Lines of an export (JSON Lines): a header, then links, checkpoints and keys in any order after it. */
export type ChainExportLine =
  | { type: 'header'; format: typeof CHAIN_EXPORT_FORMAT; organisationId: string; exportedAt: string }
  | { type: 'link'; seq: string; entryId: string; chainedAt: string; digest: string; hash: string; preimage: string | null }
  | { type: 'checkpoint'; seq: string; hash: string; keyId: string; signature: string; signedAt: string }
  | { type: 'key'; keyId: string; publicKey: string };

/**
 * An organisation's whole chain as export lines, read as the tables' owner (an operator's or auditor's database
 * access): each link with the preimage of its entry as stored now (null when the entry row is gone), the signed
 * checkpoints and the public keys they name.
 */
export async function* exportChain(db: Sql, organisationId: string, pageSize = 10_000): AsyncGenerator<ChainExportLine> {
  yield { type: 'header', format: CHAIN_EXPORT_FORMAT, organisationId, exportedAt: new Date().toISOString() };
  let after = '0';
  for (;;) {
    const rows: { seq: string; entry_id: string; chained_at: Date; digest: Buffer; hash: Buffer; preimage: string | null }[] = await db.query(
      `SELECT c.seq::text AS seq, c.entry_id::text AS entry_id, c.chained_at, c.digest, c.hash,
              CASE WHEN e.id IS NULL THEN NULL ELSE ${entryPreimageSql('e')} END AS preimage
         FROM history.chain c LEFT JOIN history.entries e ON e.organisation_id = c.organisation_id AND e.id = c.entry_id
        WHERE c.organisation_id = $1 AND c.seq > $2::bigint ORDER BY c.seq LIMIT $3`,
      [organisationId, after, pageSize],
    );
    for (const r of rows) {
      yield { type: 'link', seq: r.seq, entryId: r.entry_id, chainedAt: r.chained_at.toISOString(), digest: r.digest.toString('hex'), hash: r.hash.toString('hex'), preimage: r.preimage };
    }
    if (rows.length < pageSize) break;
    after = rows[rows.length - 1].seq;
  }
  const cps: { seq: string; hash: Buffer; key_id: string; signature: Buffer; signed_at: Date }[] = await db.query(
    `SELECT seq::text AS seq, hash, key_id, signature, signed_at FROM history.chain_checkpoints WHERE organisation_id = $1 ORDER BY seq`,
    [organisationId],
  );
  for (const c of cps) {
    yield { type: 'checkpoint', seq: c.seq, hash: c.hash.toString('hex'), keyId: c.key_id, signature: c.signature.toString('base64'), signedAt: c.signed_at.toISOString() };
  }
  const keyIds = [...new Set(cps.map((c) => c.key_id))];
  const keys: { key_id: string; public_key: string }[] = keyIds.length
    ? await db.query(`SELECT key_id, public_key FROM history.chain_keys WHERE key_id = ANY ($1::text[]) ORDER BY key_id`, [keyIds])
    : [];
  for (const k of keys) yield { type: 'key', keyId: k.key_id, publicKey: k.public_key };
}

export interface ExportVerification extends ChainVerification {
  organisationId: string;
  /** true when the checkpoints were checked against the export's own keys (no trusted key given). */
  selfAssertedKeys: boolean;
}

/**
 * Verifies an export offline: each link's preimage hashes to its digest (and names the link's entry), the links
 * chain from the genesis hash without gaps, and every checkpoint's signature verifies with a trusted key
 * (`trustedKeys`: key id → SPKI PEM, from the operator out of band). Without trusted keys the export's own keys
 * are used, which proves consistency only: `selfAssertedKeys` says so.
 */
export function verifyExport(lines: readonly ChainExportLine[], trustedKeys?: ReadonlyMap<string, string>): ExportVerification {
  const header = lines[0];
  if (!header || header.type !== 'header' || header.format !== CHAIN_EXPORT_FORMAT) throw new Error(`not a ${CHAIN_EXPORT_FORMAT} export`);
  const links: ChainLinkRow[] = [];
  for (const l of lines) {
    if (l.type !== 'link') continue;
    let current: Buffer | null = null;
    if (l.preimage !== null) {
      current = sha256(Buffer.from(l.preimage, 'utf8'));
      // The preimage must be the entry the link names (its first element is the entry id).
      const parsed = JSON.parse(l.preimage) as unknown[];
      if (!Array.isArray(parsed) || parsed[0] !== l.entryId) current = Buffer.alloc(32, 0xff);
    }
    links.push({ seq: BigInt(l.seq), entryId: l.entryId, digest: Buffer.from(l.digest, 'hex'), hash: Buffer.from(l.hash, 'hex'), currentDigest: current });
  }
  links.sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
  const checkpoints = lines.flatMap((l) =>
    l.type === 'checkpoint' ? [{ seq: BigInt(l.seq), hash: Buffer.from(l.hash, 'hex'), keyId: l.keyId, signature: Buffer.from(l.signature, 'base64') }] : [],
  );
  const own = new Map(lines.flatMap((l) => (l.type === 'key' ? [[l.keyId, l.publicKey] as const] : [])));
  const keys = trustedKeys && trustedKeys.size ? trustedKeys : own;
  const v = verifyChainLinks(header.organisationId, 0n, GENESIS_HASH, links, checkpoints, keys);
  return { ...v, organisationId: header.organisationId, selfAssertedKeys: !(trustedKeys && trustedKeys.size) };
}
