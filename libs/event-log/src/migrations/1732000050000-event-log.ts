import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Event-log read model (schema `event_log`): one row per session event, the published shape (seed 001) in
 * `published` plus typed columns for the filter fields, and `seq`, a sequence assigned in commit order
 * (see docs/event-log.md "Sequence in commit order") that serves as SSE `id:` and stream cursor.
 * An AFTER INSERT statement trigger NOTIFYs `event_log_events` once per organisation inserted, so the
 * gateway's live streams wake up without polling.
 */
export class EventLog1732000050000 implements MigrationInterface {
  name = 'EventLog1732000050000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS event_log`);
    // CACHE 1 (the default) matters: with a per-session cache, values would not follow the lock order.
    await q.query(`CREATE SEQUENCE event_log.events_seq AS bigint CACHE 1`);
    await q.query(`CREATE TABLE event_log.events (
      event_id uuid PRIMARY KEY,
      seq bigint NOT NULL DEFAULT nextval('event_log.events_seq'),
      organisation_id text NOT NULL,
      event_type text NOT NULL,
      ts_ms bigint NOT NULL,
      status text NOT NULL,
      action text NOT NULL,
      target text NOT NULL,
      originator text,
      call_id text,
      session_id text,
      format text,
      credential_type text,
      signature_algorithm text,
      published jsonb NOT NULL,
      projected_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`ALTER SEQUENCE event_log.events_seq OWNED BY event_log.events.seq`);
    await q.query(`CREATE UNIQUE INDEX events_seq_uq ON event_log.events (seq)`);
    // Live stream catch-up: WHERE organisation_id = $1 AND seq > $2 ORDER BY seq.
    await q.query(`CREATE INDEX events_org_seq_idx ON event_log.events (organisation_id, seq)`);
    // Query: newest first with keyset (ts_ms, event_id).
    await q.query(`CREATE INDEX events_org_ts_idx ON event_log.events (organisation_id, ts_ms DESC, event_id DESC)`);
    await q.query(
      `CREATE INDEX events_org_session_idx ON event_log.events (organisation_id, session_id, ts_ms DESC) WHERE session_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX events_org_call_idx ON event_log.events (organisation_id, call_id) WHERE call_id IS NOT NULL`);
    await q.query(`CREATE FUNCTION event_log.notify_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE o text;
      BEGIN
        FOR o IN SELECT DISTINCT organisation_id FROM new_rows LOOP
          PERFORM pg_notify('event_log_events', o);
        END LOOP;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER events_notify AFTER INSERT ON event_log.events
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION event_log.notify_inserted()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA event_log CASCADE`);
  }
}
