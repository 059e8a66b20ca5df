import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Every producer outbox in the database (`<schema>.outbox` created by `outboxDdl`: issuer, verifier, wallet, SDK producers). */
async function outboxSchemas(q: QueryRunner): Promise<string[]> {
  const rows: { schema: string }[] = await q.query(
    `SELECT table_schema AS schema FROM information_schema.tables WHERE table_name = 'outbox' AND table_type = 'BASE TABLE' ORDER BY 1`,
  );
  return rows.map((r) => r.schema).filter((s) => /^[a-z_][a-z0-9_]*$/.test(s));
}

/**
 * The W3C `traceparent` of the span that wrote each outbox row (null when tracing was off): the relay sends it as
 * the `traceparent` Kafka header, and a projector's batch span links to it. A nullable column without a default:
 * adding it rewrites nothing, and rows written before it simply carry no trace.
 */
export class OutboxTraceparent1732000120000 implements MigrationInterface {
  name = 'OutboxTraceparent1732000120000';

  async up(q: QueryRunner): Promise<void> {
    for (const s of await outboxSchemas(q)) await q.query(`ALTER TABLE ${s}.outbox ADD COLUMN IF NOT EXISTS traceparent text`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const s of await outboxSchemas(q)) await q.query(`ALTER TABLE ${s}.outbox DROP COLUMN IF EXISTS traceparent`);
  }
}
