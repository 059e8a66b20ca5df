import type { MigrationInterface, QueryRunner } from 'typeorm';
import { globalStreamsDdl, tenantScopedStreamsDdl } from '@cep/event-store';
import { PRODUCER_SCHEMAS } from './producer-stores.migration';

/**
 * Stream identity scoped by organisation in every producer's event store: UNIQUE (organisation_id, stream_id,
 * version) instead of UNIQUE (stream_id, version), so a client-chosen id (schemaId, credentialId, keyId, backupId,
 * a received offer) never collides with another tenant's stream: no cross-tenant 409 existence oracle.
 */
export class TenantScopedStreams1732000095000 implements MigrationInterface {
  name = 'TenantScopedStreams1732000095000';

  async up(q: QueryRunner): Promise<void> {
    for (const s of PRODUCER_SCHEMAS) for (const sql of tenantScopedStreamsDdl(s)) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const s of PRODUCER_SCHEMAS) for (const sql of globalStreamsDdl(s)) await q.query(sql);
  }
}
