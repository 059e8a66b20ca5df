import { createHash, randomBytes, randomInt, timingSafeEqual } from 'crypto';

/**
 * OpenID4VCI pre-authorized code flow, as the platform's producers share it: the issuer hands out a high-entropy
 * pre-authorized code with each offer (and a short transaction code for email/phone recipients, delivered out of
 * band) and stores only their hashes; a wallet proves it holds the offer by presenting the code, and only hashes
 * ever travel in events (docs/security.md "Offers and claims").
 */

/** A new pre-authorized code: 32 random bytes (256 bits), base64url, 43 characters. */
export function newPreAuthorizedCode(): string {
  return randomBytes(32).toString('base64url');
}

/** A new transaction code: 6 random decimal digits (the OID4VCI `tx_code`, input mode numeric). */
export function newTxCode(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, '0');
}

/** Hex SHA-256 of a pre-authorized code (what the issuer stores and a wallet event carries). */
export function hashPreAuthorizedCode(code: string): string {
  return createHash('sha256').update(code, 'utf8').digest('hex');
}

/**
 * Hex SHA-256 of `<pre-authorized code>.<tx code>`: the transaction code is only 6 digits, so it is never hashed
 * alone (anyone seeing the hash could try the million values); bound to the 256-bit code, the hash reveals nothing.
 */
export function hashTxCode(preAuthorizedCode: string, txCode: string): string {
  return createHash('sha256').update(`${preAuthorizedCode}.${txCode}`, 'utf8').digest('hex');
}

/** Constant-time comparison of two hex hashes (false when either is missing or malformed). */
export function sameHash(a: string | Buffer | null | undefined, b: string | Buffer | null | undefined): boolean {
  if (a == null || b == null) return false;
  const x = typeof a === 'string' ? Buffer.from(a, 'hex') : a;
  const y = typeof b === 'string' ? Buffer.from(b, 'hex') : b;
  if (x.length !== 32 || y.length !== 32) return false;
  return timingSafeEqual(x, y);
}
