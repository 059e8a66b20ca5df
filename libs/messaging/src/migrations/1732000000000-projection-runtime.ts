import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Runtime tables of the projection runner: checkpoints, dedupe ids, dead letters, freshness. */
export class ProjectionRuntime1732000000000 implements MigrationInterface {
  name = 'ProjectionRuntime1732000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS projection`);
    await q.query(`CREATE TABLE projection.checkpoints (
      projection text NOT NULL,
      topic text NOT NULL,
      partition integer NOT NULL,
      next_offset bigint NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (projection, topic, partition)
    )`);
    await q.query(`CREATE TABLE projection.processed_events (
      projection text NOT NULL,
      event_id uuid NOT NULL,
      PRIMARY KEY (projection, event_id)
    )`);
    await q.query(`CREATE TABLE projection.dead_letters (
      id bigserial PRIMARY KEY,
      consumer_group text NOT NULL,
      topic text NOT NULL,
      partition integer NOT NULL,
      "offset" bigint NOT NULL,
      reason text NOT NULL,
      error text NOT NULL,
      event_id text,
      event_type text,
      msg_key text,
      payload text,
      created_at timestamptz NOT NULL DEFAULT now(),
      redriven_at timestamptz,
      UNIQUE (consumer_group, topic, partition, "offset")
    )`);
    await q.query(`CREATE TABLE projection.state (
      projection text PRIMARY KEY,
      newest_event_time timestamptz,
      last_batch_at timestamptz,
      events_applied bigint NOT NULL DEFAULT 0
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA projection CASCADE`);
  }
}
