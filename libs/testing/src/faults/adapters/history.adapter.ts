import type { DataSource } from 'typeorm';
import { historyProjection } from '@cep/history';
import type { ReadModelAdapter } from '../read-model-adapter';

/**
 * History: one entry per recorded event, keyed by the event id. The oracle maps each raw event of a recorded
 * type directly to `<event id>|<credential id>` without the projection's code.
 */
export const historyAdapter: ReadModelAdapter = {
  app: 'history-projector',
  projection: historyProjection,
  lockTable: 'history.entries',
  async readRows(ds: DataSource, org: string) {
    const rows: { id: string; entity_id: string }[] = await ds.query(
      `SELECT id::text AS id, entity_id::text AS entity_id FROM history.entries WHERE organisation_id = $1`,
      [org],
    );
    return rows.map((r) => `${r.id}|${r.entity_id}`);
  },
  oracle(events) {
    const recorded = new Set(historyProjection.handles);
    return events.filter((e) => recorded.has(e.type)).map((e) => `${e.id}|${(e.data as { credentialId: string }).credentialId}`);
  },
  async duplicateEventIds(ds: DataSource, org: string) {
    const [{ n }] = await ds.query(`SELECT (count(*) - count(DISTINCT id))::int AS n FROM history.entries WHERE organisation_id = $1`, [org]);
    return n;
  },
};
