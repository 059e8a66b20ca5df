import type { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantRls, GATEWAY_DB_ROLE } from '@cep/platform';
import { entryDigestSql } from '../history-chain';

/** The chain tables that hold tenant rows (RLS as on the other history tables). */
export const HISTORY_CHAIN_TENANT_TABLES = ['chain', 'chain_heads', 'chain_checkpoints'] as const;

/**
 * The tamper-evident history (docs/privacy.md "Tamper-evident history"):
 * - `history.chain`: one link per entry, per organisation in the order entries were projected (`seq` 1, 2, ...):
 *   `digest` = SHA-256 of the entry's immutable content (its preimage, see history-chain.ts), `hash` = SHA-256 of the
 *   previous link's hash and this digest. Links stay when an entry is deleted (retention, erasure): the chain stays
 *   verifiable over the digests.
 * - `history.chain_heads`: each organisation's last link (the row lock that serializes appends per organisation).
 * - `history.chain_checkpoints`: every N links or M minutes, the head signed with Ed25519.
 * - `history.chain_keys`: the public keys of the signers (SPKI PEM) by key id; not tenant data. Auditors verify
 *   against a key they got out of band, not against this table alone.
 */
export class HistoryChain1732000160000 implements MigrationInterface {
  name = 'HistoryChain1732000160000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE history.chain (
      organisation_id text NOT NULL,
      seq bigint NOT NULL,
      entry_id uuid NOT NULL,
      chained_at timestamptz NOT NULL,
      digest bytea NOT NULL,
      hash bytea NOT NULL,
      PRIMARY KEY (organisation_id, seq)
    )`);
    // The primary key is the only index: a link is written once per inserted entry (so no unique index on the entry
    // is needed), and `chained_at` grows with `seq` per organisation, so a time range is read along the key.
    await q.query(`CREATE TABLE history.chain_heads (
      organisation_id text PRIMARY KEY,
      seq bigint NOT NULL,
      hash bytea NOT NULL,
      checkpoint_seq bigint NOT NULL DEFAULT 0,
      checkpoint_at timestamptz
    )`);
    await q.query(`CREATE TABLE history.chain_checkpoints (
      organisation_id text NOT NULL,
      seq bigint NOT NULL,
      hash bytea NOT NULL,
      signed_at timestamptz NOT NULL,
      key_id text NOT NULL,
      signature bytea NOT NULL,
      PRIMARY KEY (organisation_id, seq)
    )`);
    await q.query(`CREATE TABLE history.chain_keys (
      key_id text PRIMARY KEY,
      public_key text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    // Entries projected before this migration join the chain now, per organisation in (created_date, id) order
    // (one pass; an empty read model costs nothing). Their first checkpoint comes with the next batch.
    await q.query(`DO $$
      DECLARE
        r record;
        cur_org text := NULL;
        n bigint := 0;
        h bytea := decode(repeat('00', 32), 'hex');
      BEGIN
        FOR r IN SELECT e.organisation_id AS org, e.id, ${entryDigestSql('e')} AS digest
                   FROM history.entries e ORDER BY e.organisation_id, e.created_date, e.id LOOP
          IF cur_org IS DISTINCT FROM r.org THEN
            IF cur_org IS NOT NULL THEN
              INSERT INTO history.chain_heads (organisation_id, seq, hash) VALUES (cur_org, n, h);
            END IF;
            cur_org := r.org; n := 0; h := decode(repeat('00', 32), 'hex');
          END IF;
          n := n + 1;
          h := sha256(h || r.digest);
          INSERT INTO history.chain (organisation_id, seq, entry_id, chained_at, digest, hash) VALUES (r.org, n, r.id, clock_timestamp(), r.digest, h);
        END LOOP;
        IF cur_org IS NOT NULL THEN
          INSERT INTO history.chain_heads (organisation_id, seq, hash) VALUES (cur_org, n, h);
        END IF;
      END $$`);
    await enableTenantRls(q, 'history', HISTORY_CHAIN_TENANT_TABLES);
    await q.query(`GRANT SELECT ON history.chain_keys TO ${GATEWAY_DB_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Dropping the tables drops their policies and grants (disableTenantRls would also revoke the schema's USAGE).
    await q.query(`DROP TABLE history.chain_keys, history.chain_checkpoints, history.chain_heads, history.chain`);
  }
}
