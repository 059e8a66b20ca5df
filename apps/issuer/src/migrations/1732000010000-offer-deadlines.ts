import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issuer-side index of open offers for the expiry scheduler: one row per issued credential, written in the same
 * transaction as its events, deleted once the scheduler has looked at it after its deadline.
 */
export class IssuerOfferDeadlines1732000010000 implements MigrationInterface {
  name = 'IssuerOfferDeadlines1732000010000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE IF NOT EXISTS issuer.offer_deadlines (
      credential_id text PRIMARY KEY,
      organisation_id text NOT NULL,
      expires_at timestamptz NOT NULL
    )`);
    await q.query(`CREATE INDEX IF NOT EXISTS offer_deadlines_expires_idx ON issuer.offer_deadlines (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS issuer.offer_deadlines`);
  }
}
