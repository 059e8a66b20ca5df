import type { DataSource } from 'typeorm';
import { historyProjection } from '@cep/history';
import type { ReadModelAdapter } from '../read-model-adapter';

/**
 * History: one entry per recorded event, keyed by the event id. The oracle maps each raw event of a recorded
 * type directly to `<event id>|<entity id>` without the projection's code: the credential id, or for a
 * verification / issuance session its session id (the workload's session ids are UUIDs, used as the entity id).
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
    return events.filter((e) => recorded.has(e.type)).map((e) => {
      const d = e.data as { credentialId?: string; sessionId?: string };
      return `${e.id}|${e.type.startsWith('session.') ? d.sessionId!.toLowerCase() : d.credentialId}`;
    });
  },
  async duplicateEventIds(ds: DataSource, org: string) {
    const [{ n }] = await ds.query(`SELECT (count(*) - count(DISTINCT id))::int AS n FROM history.entries WHERE organisation_id = $1`, [org]);
    return n;
  },
};
