import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Dead letters are copied to the group's dead-letter topic by a relay from the table (outbox pattern):
 * `published_at` marks rows the broker acknowledged. Rows that exist when this runs are left unpublished, so the
 * relay sends them (again) once: copies lost to a broker outage before this change reach the topic, and consumers
 * of the topic drop the repeats by the original topic/partition/offset.
 */
export class DeadLetterPublished1732000080000 implements MigrationInterface {
  name = 'DeadLetterPublished1732000080000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE projection.dead_letters ADD COLUMN published_at timestamptz`);
    await q.query(
      `CREATE INDEX dead_letters_unpublished_idx ON projection.dead_letters (consumer_group, id) WHERE published_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX projection.dead_letters_unpublished_idx`);
    await q.query(`ALTER TABLE projection.dead_letters DROP COLUMN published_at`);
  }
}
