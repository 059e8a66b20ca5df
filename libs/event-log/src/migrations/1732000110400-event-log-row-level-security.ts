import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableTenantRls, enableTenantRls } from '@cep/platform';

/** The tables of `event_log` that hold tenant rows (every one has `organisation_id`). */
export const EVENT_LOG_TENANT_TABLES = ['events'] as const;

/**
 * Row-level security on the event-log read model (docs/security.md "Row-level security"): the gateway role
 * `cep_gateway` may SELECT these tables, and sees only the rows whose `organisation_id` is the transaction's
 * `app.organisation_id` (set by TenantDatabase.run). The projector writes as the owner and is not filtered.
 */
export class EventLogRowLevelSecurity1732000110400 implements MigrationInterface {
  name = 'EventLogRowLevelSecurity1732000110400';

  async up(q: QueryRunner): Promise<void> {
    await enableTenantRls(q, 'event_log', EVENT_LOG_TENANT_TABLES);
  }

  async down(q: QueryRunner): Promise<void> {
    await disableTenantRls(q, 'event_log', EVENT_LOG_TENANT_TABLES);
  }
}
