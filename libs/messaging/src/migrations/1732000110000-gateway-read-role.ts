import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ensureGatewayRole, GATEWAY_DB_ROLE } from '@cep/platform';

/**
 * The gateway's database role `cep_gateway` (NOLOGIN, no BYPASSRLS, owns nothing; docs/security.md
 * "Row-level security") and its one grant outside the read models: `projection.state`, the projections'
 * freshness, which is not tenant data. The read-model migrations that follow grant SELECT on their tenant tables
 * and add the RLS policies. `down` revokes the grant and leaves the role (cluster-wide, other databases use it).
 */
export class GatewayReadRole1732000110000 implements MigrationInterface {
  name = 'GatewayReadRole1732000110000';

  async up(q: QueryRunner): Promise<void> {
    await ensureGatewayRole(q);
    await q.query(`GRANT USAGE ON SCHEMA projection TO ${GATEWAY_DB_ROLE}`);
    await q.query(`GRANT SELECT ON projection.state TO ${GATEWAY_DB_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`REVOKE SELECT ON projection.state FROM ${GATEWAY_DB_ROLE}`);
    await q.query(`REVOKE USAGE ON SCHEMA projection FROM ${GATEWAY_DB_ROLE}`);
  }
}
