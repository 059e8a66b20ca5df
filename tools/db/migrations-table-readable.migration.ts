import type { MigrationInterface, QueryRunner } from 'typeorm';
import { MIGRATIONS_TABLE } from '@cep/platform';

/**
 * Every app's `/health/ready` reads TypeORM's migrations table (`schema` check, libs/platform/src/schema-migrations.ts),
 * also where an app logs in with a role that does not own the schema (the gateway's read role): SELECT for everyone.
 * The table holds migration names and timestamps only.
 */
export class MigrationsTableReadable1732000130000 implements MigrationInterface {
  name = 'MigrationsTableReadable1732000130000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`GRANT SELECT ON public.${MIGRATIONS_TABLE} TO PUBLIC`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`REVOKE SELECT ON public.${MIGRATIONS_TABLE} FROM PUBLIC`);
  }
}
