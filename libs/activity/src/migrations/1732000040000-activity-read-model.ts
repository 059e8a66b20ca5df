import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Activity read model (schema `activity`):
 * - `records`: one row per activity event (PK = event id, so a replayed event is a no-op). `position`
 *   is the commit order used by the `after` polling mode (assigned under the `feed_position` row lock).
 * - `activities`: one row per issuance with its latest state (never regresses), the send and first-claim
 *   times (time to claim) and its event count; stats read only this table.
 */
export class ActivityReadModel1732000040000 implements MigrationInterface {
  name = 'ActivityReadModel1732000040000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS activity`);
    await q.query(`CREATE TABLE activity.records (
      id uuid PRIMARY KEY,
      organisation_id text NOT NULL,
      activity_id uuid NOT NULL,
      event_type text NOT NULL,
      ts timestamptz NOT NULL,
      actor_profile_id text NOT NULL,
      recipient_type text NOT NULL,
      recipient_identifier text NOT NULL,
      boost_uri text,
      credential_uri text,
      inbox_credential_id text,
      integration_id text,
      source text NOT NULL,
      metadata jsonb,
      position bigint NOT NULL
    )`);
    // Commit-ordered positions for the polling mode: a writer locks this row for the rest of its transaction.
    await q.query(`CREATE TABLE activity.feed_position (id smallint PRIMARY KEY CHECK (id = 1), next bigint NOT NULL)`);
    await q.query(`INSERT INTO activity.feed_position (id, next) VALUES (1, 1)`);
    await q.query(`CREATE INDEX records_org_ts_idx ON activity.records (organisation_id, ts DESC, id DESC)`);
    await q.query(`CREATE INDEX records_org_boost_ts_idx ON activity.records (organisation_id, boost_uri, ts DESC, id DESC)`);
    await q.query(`CREATE INDEX records_org_integration_ts_idx ON activity.records (organisation_id, integration_id, ts DESC, id DESC)`);
    await q.query(`CREATE INDEX records_org_type_ts_idx ON activity.records (organisation_id, event_type, ts DESC, id DESC)`);
    await q.query(`CREATE INDEX records_activity_idx ON activity.records (activity_id, ts, id)`);
    await q.query(`CREATE INDEX records_org_position_idx ON activity.records (organisation_id, position)`);

    await q.query(`CREATE TABLE activity.activities (
      activity_id uuid PRIMARY KEY,
      organisation_id text NOT NULL,
      latest_event_type text NOT NULL,
      latest_ts timestamptz NOT NULL,
      latest_event_id uuid NOT NULL,
      boost_uri text,
      integration_id text,
      recipient_type text,
      recipient_identifier text,
      started_at timestamptz NOT NULL,
      sent_at timestamptz,
      claimed_at timestamptz,
      event_count integer NOT NULL
    )`);
    await q.query(
      `CREATE INDEX activities_org_started_idx ON activity.activities (organisation_id, started_at)
       INCLUDE (latest_event_type, event_count, sent_at, claimed_at, boost_uri, integration_id)`,
    );
    await q.query(`CREATE INDEX activities_org_boost_idx ON activity.activities (organisation_id, boost_uri, started_at)`);
    await q.query(`CREATE INDEX activities_org_integration_idx ON activity.activities (organisation_id, integration_id, started_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA activity CASCADE`);
  }
}
