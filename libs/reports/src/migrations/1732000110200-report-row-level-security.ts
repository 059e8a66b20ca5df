import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableTenantRls, enableTenantRls } from '@cep/platform';

/** The tables of `reports` that hold tenant rows (every one has `organisation_id`). */
export const REPORT_TENANT_TABLES = ['daily_counts'] as const;

/**
 * Row-level security on the reports read model (docs/security.md "Row-level security"): the gateway role
 * `cep_gateway` may SELECT these tables, and sees only the rows whose `organisation_id` is the transaction's
 * `app.organisation_id` (set by TenantDatabase.run). The projector writes as the owner and is not filtered.
 */
export class ReportRowLevelSecurity1732000110200 implements MigrationInterface {
  name = 'ReportRowLevelSecurity1732000110200';

  async up(q: QueryRunner): Promise<void> {
    await enableTenantRls(q, 'reports', REPORT_TENANT_TABLES);
  }

  async down(q: QueryRunner): Promise<void> {
    await disableTenantRls(q, 'reports', REPORT_TENANT_TABLES);
  }
}
