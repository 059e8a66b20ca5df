import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Pre-authorized codes of the issuer's offers (OpenID4VCI pre-authorized code flow): only SHA-256 hashes, never
 * the codes. One row per issued credential, written in the same transaction as its events; `consumed_at` makes a
 * code single-use, `expires_at` is the offer's expiry, `tx_failures` counts wrong transaction codes presented with
 * the right pre-authorized code (the code is burned after too many).
 *
 * Also scopes `offer_deadlines` by organisation (its key was the credential id alone, which another tenant could
 * choose too): primary key (organisation_id, credential_id).
 */
export class IssuerOfferCodes1732000096000 implements MigrationInterface {
  name = 'IssuerOfferCodes1732000096000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE IF NOT EXISTS issuer.offer_codes (
      organisation_id text NOT NULL,
      credential_id text NOT NULL,
      code_hash bytea NOT NULL,
      tx_code_hash bytea,
      expires_at timestamptz NOT NULL,
      consumed_at timestamptz,
      tx_failures integer NOT NULL DEFAULT 0,
      last_refusal text,
      PRIMARY KEY (organisation_id, credential_id)
    )`);
    await q.query(`ALTER TABLE issuer.offer_deadlines DROP CONSTRAINT IF EXISTS offer_deadlines_pkey`);
    await q.query(`ALTER TABLE issuer.offer_deadlines ADD CONSTRAINT offer_deadlines_pkey PRIMARY KEY (organisation_id, credential_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE issuer.offer_deadlines DROP CONSTRAINT IF EXISTS offer_deadlines_pkey`);
    await q.query(`ALTER TABLE issuer.offer_deadlines ADD CONSTRAINT offer_deadlines_pkey PRIMARY KEY (credential_id)`);
    await q.query(`DROP TABLE IF EXISTS issuer.offer_codes`);
  }
}
