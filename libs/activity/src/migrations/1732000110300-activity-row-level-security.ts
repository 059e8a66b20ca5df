import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableTenantRls, enableTenantRls } from '@cep/platform';

/** The tables of `activity` that hold tenant rows (every one has `organisation_id`). */
export const ACTIVITY_TENANT_TABLES = ['records', 'activities', 'stats_counters', 'ttc_histogram'] as const;

/**
 * Row-level security on the activity read model (docs/security.md "Row-level security"): the gateway role
 * `cep_gateway` may SELECT these tables, and sees only the rows whose `organisation_id` is the transaction's
 * `app.organisation_id` (set by TenantDatabase.run). The projector writes as the owner and is not filtered.
 */
export class ActivityRowLevelSecurity1732000110300 implements MigrationInterface {
  name = 'ActivityRowLevelSecurity1732000110300';

  async up(q: QueryRunner): Promise<void> {
    await enableTenantRls(q, 'activity', ACTIVITY_TENANT_TABLES);
  }

  async down(q: QueryRunner): Promise<void> {
    await disableTenantRls(q, 'activity', ACTIVITY_TENANT_TABLES);
  }
}
