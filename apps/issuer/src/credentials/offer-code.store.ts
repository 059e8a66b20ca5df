import { Injectable } from '@nestjs/common';
import type { QueryRunner } from 'typeorm';
import { sameHash } from '@cep/producer-sdk';

/** Why a claim's proof of the offer was refused (recorded on the offer's row, never as an event). */
export type OfferRefusal = 'no_code' | 'unknown_offer' | 'wrong_code' | 'code_used' | 'code_expired' | 'wrong_tx_code' | 'tx_code_locked';

/** What a wallet event presents: hashes computed by the wallet API from the codes its caller gave. */
export interface OfferProof {
  preAuthorizedCodeHash?: string;
  txCodeHash?: string;
}

/** Wrong transaction codes (with the right pre-authorized code) after which the offer's code is burned. */
export const MAX_TX_CODE_FAILURES = 5;

interface OfferCodeRow {
  code_hash: Buffer;
  tx_code_hash: Buffer | null;
  expires_at: Date;
  consumed_at: Date | null;
  tx_failures: number;
}

/**
 * The issuer's pre-authorized codes (`issuer.offer_codes`, hashes only), one per issued credential of a tenant.
 * Every method runs in the caller's transaction: the issuance writes the row with its events; a claim checks and
 * consumes it in the transaction that appends `credential.accepted` / `.rejected`, under the row's lock, so a code
 * settles at most one claim even when two arrive at once.
 */
@Injectable()
export class OfferCodeStore {
  async insert(tx: QueryRunner, row: { organisationId: string; credentialId: string; codeHash: string; txCodeHash?: string; expiresAt: string }): Promise<void> {
    await tx.query(
      `INSERT INTO issuer.offer_codes (organisation_id, credential_id, code_hash, tx_code_hash, expires_at) VALUES ($1, $2, decode($3, 'hex'), decode($4, 'hex'), $5)`,
      [row.organisationId, row.credentialId, row.codeHash, row.txCodeHash ?? null, row.expiresAt],
    );
  }

  /**
   * Checks a claim's proof for the offer of credential `credentialId` of tenant `organisationId` and, when it holds,
   * consumes the code (single use). Returns null when accepted, else why it was refused (the refusal is recorded
   * on the row when there is one; a wrong transaction code counts towards {@link MAX_TX_CODE_FAILURES}).
   */
  async consume(tx: QueryRunner, organisationId: string, credentialId: string, proof: OfferProof, now: Date): Promise<OfferRefusal | null> {
    if (!proof.preAuthorizedCodeHash) return 'no_code';
    const [row]: OfferCodeRow[] = await tx.query(
      `SELECT code_hash, tx_code_hash, expires_at, consumed_at, tx_failures FROM issuer.offer_codes
       WHERE organisation_id = $1 AND credential_id = $2 FOR UPDATE`,
      [organisationId, credentialId],
    );
    if (!row) return 'unknown_offer';
    const refuse = async (why: OfferRefusal, txFailure = false): Promise<OfferRefusal> => {
      await tx.query(
        `UPDATE issuer.offer_codes SET last_refusal = $3, tx_failures = tx_failures + $4 WHERE organisation_id = $1 AND credential_id = $2`,
        [organisationId, credentialId, why, txFailure ? 1 : 0],
      );
      return why;
    };
    // The pre-authorized code first: without it nothing about the offer is revealed or counted.
    if (!sameHash(row.code_hash, proof.preAuthorizedCodeHash)) return refuse('wrong_code');
    if (row.consumed_at) return refuse('code_used');
    if (row.expires_at.getTime() <= now.getTime()) return refuse('code_expired');
    if (row.tx_code_hash) {
      if (row.tx_failures >= MAX_TX_CODE_FAILURES) return refuse('tx_code_locked');
      if (!sameHash(row.tx_code_hash, proof.txCodeHash)) return refuse('wrong_tx_code', true);
    }
    await tx.query(`UPDATE issuer.offer_codes SET consumed_at = $3, last_refusal = NULL WHERE organisation_id = $1 AND credential_id = $2`, [
      organisationId,
      credentialId,
      now.toISOString(),
    ]);
    return null;
  }
}
