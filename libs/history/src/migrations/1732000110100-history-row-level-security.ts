import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableTenantRls, enableTenantRls } from '@cep/platform';

/** The tables of `history` that hold tenant rows (every one has `organisation_id`). */
export const HISTORY_TENANT_TABLES = ['entries', 'entities', 'counts', 'related_counts'] as const;

/**
 * Row-level security on the history read model (docs/security.md "Row-level security"): the gateway role
 * `cep_gateway` may SELECT these tables, and sees only the rows whose `organisation_id` is the transaction's
 * `app.organisation_id` (set by TenantDatabase.run). The projector writes as the owner and is not filtered.
 */
export class HistoryRowLevelSecurity1732000110100 implements MigrationInterface {
  name = 'HistoryRowLevelSecurity1732000110100';

  async up(q: QueryRunner): Promise<void> {
    await enableTenantRls(q, 'history', HISTORY_TENANT_TABLES);
  }

  async down(q: QueryRunner): Promise<void> {
    await disableTenantRls(q, 'history', HISTORY_TENANT_TABLES);
  }
}
