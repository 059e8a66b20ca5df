import type { EventEnvelope } from '@cep/contracts';
import { TOPICS } from '@cep/contracts';
import type { Projection, ProjectionContext } from '@cep/messaging';

export interface HistoryRow {
  id: string;
  organisationId: string;
  createdDate: string;
  action: string;
  entityId: string;
  entityType: string;
  name: string | null;
  source: string;
  target: string | null;
  eventType: string;
  metadata: Record<string, unknown>;
}

const CREDENTIAL_ACTIONS: Record<string, string> = {
  'credential.created': 'CREATED',
  'credential.pending': 'PENDING',
  'credential.offered': 'OFFERED',
  'credential.accepted': 'ACCEPTED',
  'credential.rejected': 'REJECTED',
  'credential.revoked': 'REVOKED',
  'credential.suspended': 'SUSPENDED',
  'credential.reactivated': 'REACTIVATED',
  'credential.shared': 'SHARED',
  'credential.deleted': 'DELETED',
  'credential.offer-expired': 'EXPIRED',
  'credential.delivery-failed': 'ERRORED',
};

/** Pure: one history row per event. */
export function toHistoryRow(e: EventEnvelope): HistoryRow | null {
  const action = CREDENTIAL_ACTIONS[e.type];
  if (!action) return null;
  const d = e.data as { credentialId: string; name: string; recipient?: { identifier: string } };
  return {
    id: e.id,
    organisationId: e.organisationId,
    createdDate: e.time,
    action,
    entityId: d.credentialId,
    entityType: 'CREDENTIAL',
    name: d.name ?? null,
    source: 'CORE',
    target: d.recipient?.identifier ?? null,
    eventType: e.type,
    metadata: { type: e.type, correlationId: e.correlationId },
  };
}

export async function insertHistoryRows(ctx: ProjectionContext, rows: HistoryRow[]): Promise<void> {
  if (!rows.length) return;
  await ctx.tx.query(
    `INSERT INTO history.entries (id, organisation_id, created_date, action, entity_id, entity_type, name, source, target, event_type, metadata)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::jsonb[])
     ON CONFLICT (id) DO NOTHING`,
    [
      rows.map((r) => r.id),
      rows.map((r) => r.organisationId),
      rows.map((r) => r.createdDate),
      rows.map((r) => r.action),
      rows.map((r) => r.entityId),
      rows.map((r) => r.entityType),
      rows.map((r) => r.name),
      rows.map((r) => r.source),
      rows.map((r) => r.target),
      rows.map((r) => r.eventType),
      rows.map((r) => JSON.stringify(r.metadata)),
    ],
  );
}

export const historyProjection: Projection = {
  name: 'history',
  version: 1,
  topics: [TOPICS.credentials],
  handles: Object.keys(CREDENTIAL_ACTIONS),
  dedupe: 'projection',
  async apply(events, ctx) {
    const rows = events.map(toHistoryRow).filter((r): r is HistoryRow => r !== null);
    await insertHistoryRows(ctx, rows);
  },
};
