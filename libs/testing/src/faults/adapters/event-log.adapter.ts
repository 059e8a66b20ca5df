import type { DataSource } from 'typeorm';
import { isSessionEvent, toPublishedShape } from '@cep/contracts';
import { eventLogProjection } from '@cep/event-log';
import type { ReadModelAdapter } from '../read-model-adapter';

/** JSON with object keys sorted at every level, so that a jsonb round trip compares equal to the original. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * Event log: one row per session event, in the published shape (seed 001). The oracle is the contracts' published
 * shape of each raw session event (the API's fixed JSON), compared whole with the stored document together with
 * the typed columns the filters use (event type, status, time); nothing of the projection's SQL is reused.
 */
export const eventLogAdapter: ReadModelAdapter = {
  app: 'event-log-projector',
  projection: eventLogProjection,
  lockTable: 'event_log.events',
  async readRows(ds: DataSource, org: string) {
    const rows: { event_id: string; event_type: string; ts_ms: string; status: string; published: unknown }[] = await ds.query(
      `SELECT event_id::text AS event_id, event_type, ts_ms::text AS ts_ms, status, published FROM event_log.events WHERE organisation_id = $1`,
      [org],
    );
    return rows.map((r) => `${r.event_id}|${r.event_type}|${r.ts_ms}|${r.status}|${canonical(r.published)}`);
  },
  oracle(events) {
    return events.filter(isSessionEvent).map((e) => {
      const p = toPublishedShape(e);
      return `${e.id}|${p.eventType}|${Date.parse(e.time)}|${(e.data as { status: { type: string } }).status.type}|${canonical(p)}`;
    });
  },
  async duplicateEventIds(ds: DataSource, org: string) {
    const [{ n }] = await ds.query(`SELECT (count(*) - count(DISTINCT event_id))::int AS n FROM event_log.events WHERE organisation_id = $1`, [org]);
    return n;
  },
};
