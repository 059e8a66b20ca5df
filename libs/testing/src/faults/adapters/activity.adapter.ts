import type { DataSource } from 'typeorm';
import type { EventEnvelope } from '@cep/contracts';
import { activityProjection } from '@cep/activity';
import type { ReadModelAdapter } from '../read-model-adapter';

interface Issuance {
  activityId: string;
  recipient?: { type: string };
}

/** The activity type of a raw credential event, straight from seed 002's rules (not the projection's code). */
function activityType(e: EventEnvelope): string | null {
  const d = e.data as Issuance;
  switch (e.type) {
    case 'credential.offered':
      return d.recipient ? (d.recipient.type === 'profile' ? 'DELIVERED' : 'CREATED') : null;
    case 'credential.accepted':
      return 'CLAIMED';
    case 'credential.offer-expired':
      return 'EXPIRED';
    case 'credential.delivery-failed':
      return 'FAILED';
    default:
      return null;
  }
}

/**
 * Activity: one record per activity event and one latest-state row per activity chain (latest type and
 * event by (time, id), event count). Both recomputed from the raw events in memory.
 */
export const activityAdapter: ReadModelAdapter = {
  app: 'activity-projector',
  projection: activityProjection,
  lockTable: 'activity.records',
  async readRows(ds: DataSource, org: string) {
    const records: { id: string; activity_id: string; event_type: string }[] = await ds.query(
      `SELECT id::text AS id, activity_id::text AS activity_id, event_type FROM activity.records WHERE organisation_id = $1`,
      [org],
    );
    const chains: { activity_id: string; latest_event_type: string; latest_event_id: string; event_count: number }[] = await ds.query(
      `SELECT activity_id::text AS activity_id, latest_event_type, latest_event_id::text AS latest_event_id, event_count FROM activity.activities WHERE organisation_id = $1`,
      [org],
    );
    return [
      ...records.map((r) => `R|${r.id}|${r.activity_id}|${r.event_type}`),
      ...chains.map((c) => `A|${c.activity_id}|${c.latest_event_type}|${c.latest_event_id}|${c.event_count}`),
    ];
  },
  oracle(events) {
    const recs = events
      .map((e) => ({ e, type: activityType(e) }))
      .filter((x): x is { e: EventEnvelope; type: string } => x.type !== null)
      .map(({ e, type }) => ({ id: e.id.toLowerCase(), activityId: (e.data as Issuance).activityId.toLowerCase(), type, t: Date.parse(e.time) }));
    const byChain = new Map<string, typeof recs>();
    for (const r of recs) byChain.set(r.activityId, [...(byChain.get(r.activityId) ?? []), r]);
    const chains = [...byChain].map(([activityId, rs]) => {
      const latest = rs.reduce((m, r) => (r.t > m.t || (r.t === m.t && r.id > m.id) ? r : m));
      return `A|${activityId}|${latest.type}|${latest.id}|${rs.length}`;
    });
    return [...recs.map((r) => `R|${r.id}|${r.activityId}|${r.type}`), ...chains];
  },
  async duplicateEventIds(ds: DataSource, org: string) {
    const [{ n }] = await ds.query(`SELECT (count(*) - count(DISTINCT id))::int AS n FROM activity.records WHERE organisation_id = $1`, [org]);
    return n;
  },
};
