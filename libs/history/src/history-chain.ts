import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'crypto';
import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { loadConfig, ToInt } from '@cep/platform';

/**
 * The tamper-evident history (docs/privacy.md "Tamper-evident history"): pure parts shared by the projector
 * (history-chain.writer.ts), the gateway's verification and the offline CLI (tools/history/chain.ts).
 *
 *   digest_n = SHA-256(preimage of entry n)          preimage: ENTRY_PREIMAGE_SQL, the entry's immutable fields
 *   hash_n   = SHA-256(hash_{n-1} || digest_n)       hash_0 = 32 zero bytes (GENESIS)
 *   checkpoint = Ed25519 signature of CHECKPOINT_PREFIX, organisation, seq and hash_seq
 */

/** The hash before an organisation's first link. */
export const GENESIS_HASH = Buffer.alloc(32);

/**
 * The entry's immutable content as canonical text (jsonb's own output: keys of `metadata` sorted, no
 * insignificant space), from the columns of a `history.entries` row named `alias` (or the bare columns when
 * `alias` is empty, e.g. in an INSERT's RETURNING). Re-stamped columns (relations, search text) are not part of
 * it: they change with later events by design. The time is printed in UTC with microseconds, independent of the
 * session's time zone.
 */
export function entryPreimageSql(alias = ''): string {
  const c = (col: string) => (alias ? `${alias}.${col}` : col);
  return `jsonb_build_array(${c('id')}, ${c('organisation_id')}, to_char(${c('created_date')} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), ${c('action')}, ${c('entity_id')}, ${c('entity_type')}, ${c('name')}, ${c('source')}, ${c('target')}, ${c('event_type')}, ${c('metadata')})::text`;
}

/** SQL: the SHA-256 digest (bytea) of the preimage of the row `alias`. */
export const entryDigestSql = (alias = ''): string => `sha256(convert_to(${entryPreimageSql(alias)}, 'UTF8'))`;

export const sha256 = (...parts: Buffer[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

/** hash_n from hash_{n-1} and digest_n. */
export const linkHash = (prev: Buffer, digest: Buffer): Buffer => sha256(prev, digest);

/** The bytes a checkpoint signs: a fixed prefix, the organisation, the link's number and its hash (hex). */
export function checkpointMessage(organisationId: string, seq: bigint | number | string, hash: Buffer): Buffer {
  return Buffer.from(`cep-history-checkpoint/v1\n${organisationId}\n${String(seq)}\n${hash.toString('hex')}`, 'utf8');
}

/** A key id: the first 16 bytes (hex) of SHA-256 of the public key's SPKI DER. */
export function keyIdOf(publicKey: KeyObject): string {
  return sha256(publicKey.export({ type: 'spki', format: 'der' })).subarray(0, 16).toString('hex');
}

export interface ChainSigner {
  keyId: string;
  /** SPKI PEM: what `history.chain_keys` stores and auditors compare with the key they were given. */
  publicKeyPem: string;
  /** true: generated at start (no HISTORY_CHAIN_SIGNING_KEY); its checkpoints verify only against `history.chain_keys`. */
  ephemeral: boolean;
  sign(message: Buffer): Buffer;
}

/** A signer from an Ed25519 private key (PKCS#8 PEM, or base64 of the PKCS#8 DER), or a generated one. */
export function chainSigner(privateKey?: string): ChainSigner {
  let key: KeyObject;
  if (privateKey) {
    const text = privateKey.trim();
    key = text.startsWith('-----BEGIN')
      ? createPrivateKey(text)
      : createPrivateKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'pkcs8' });
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`HISTORY_CHAIN_SIGNING_KEY must be an Ed25519 key, got ${key.asymmetricKeyType}`);
  } else {
    key = generateKeyPairSync('ed25519').privateKey;
  }
  const pub = createPublicKey(key);
  return {
    keyId: keyIdOf(pub),
    publicKeyPem: pub.export({ type: 'spki', format: 'pem' }).toString(),
    ephemeral: !privateKey,
    sign: (message) => sign(null, message, key),
  };
}

/** Verifies an Ed25519 signature against an SPKI PEM public key; false for a malformed key or signature. */
export function verifySignature(publicKeyPem: string, message: Buffer, signature: Buffer): boolean {
  try {
    return verify(null, message, createPublicKey(publicKeyPem), signature);
  } catch {
    return false;
  }
}

/** The projector's settings of the chain (environment variables). */
export class HistoryChainConfig {
  /** `on` (default): every projected entry is chained. `off`: no links (only to measure the chain's cost in the bench). */
  @IsIn(['on', 'off'])
  HISTORY_CHAIN: 'on' | 'off' = 'on';

  /** Ed25519 private key (PKCS#8 PEM or base64 DER) that signs checkpoints; unset: a key generated per process. */
  @IsOptional()
  @IsString()
  HISTORY_CHAIN_SIGNING_KEY?: string;

  /** A checkpoint at the end of the batch that takes an organisation's chain this many links past its last one. */
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  HISTORY_CHAIN_CHECKPOINT_EVERY = 1000;

  /** ... or that adds links this many minutes (or more) after its last checkpoint. */
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(10_080)
  HISTORY_CHAIN_CHECKPOINT_MINUTES = 10;
}

export interface HistoryChainSettings {
  enabled: boolean;
  signer: ChainSigner;
  checkpointEvery: number;
  checkpointMs: number;
}

let settings: HistoryChainSettings | undefined;

/** The process's chain settings, read from the environment once (HistoryChainConfig). */
export function historyChainSettings(): HistoryChainSettings {
  if (!settings) {
    const cfg = loadConfig(HistoryChainConfig);
    settings = {
      enabled: cfg.HISTORY_CHAIN === 'on',
      signer: chainSigner(cfg.HISTORY_CHAIN_SIGNING_KEY),
      checkpointEvery: cfg.HISTORY_CHAIN_CHECKPOINT_EVERY,
      checkpointMs: cfg.HISTORY_CHAIN_CHECKPOINT_MINUTES * 60_000,
    };
  }
  return settings;
}

/** Replaces (or, with no argument, resets to the environment's) chain settings: tests and the bench. */
export function setHistoryChainSettings(next?: Partial<HistoryChainSettings>): void {
  settings = next ? { ...historyChainSettings(), ...next } : undefined;
}
