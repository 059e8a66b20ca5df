import {
  SESSION_EVENTS,
  TOPICS,
  isSessionEvent,
  toPublishedShape,
  type EventEnvelope,
  type PublishedSessionEvent,
} from '@cep/contracts';
import type { Projection, ProjectionContext } from '@cep/messaging';

/** One event-log row: the published shape plus the typed columns the filters and groupBy use. */
export interface EventLogRow {
  eventId: string;
  organisationId: string;
  eventType: string;
  tsMs: number;
  status: string;
  action: string;
  target: string;
  originator: string | null;
  callId: string | null;
  sessionId: string | null;
  format: string | null;
  credentialType: string | null;
  signatureAlgorithm: string | null;
  published: PublishedSessionEvent;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** Pure: the row of one session event (null for anything else). */
export function toEventLogRow(e: EventEnvelope): EventLogRow | null {
  if (!isSessionEvent(e)) return null;
  const published = toPublishedShape(e);
  const p = published as unknown as Record<string, unknown>;
  return {
    eventId: published._id,
    organisationId: published.organization,
    eventType: published.eventType,
    tsMs: published.timestamp,
    status: published.status.type,
    action: published.action.type,
    target: published.target,
    originator: published.originator,
    callId: published.callId,
    sessionId: str(p.sessionId),
    format: str(p.format),
    credentialType: str(p.credentialType),
    signatureAlgorithm: str(p.signatureAlgorithm),
    published,
  };
}

/**
 * Advisory lock that makes the event-log writer a single writer of `event_log.events_seq`: taken before the
 * insert and held until the batch transaction commits, so a transaction that draws sequence numbers cannot
 * start until the previous one is committed (or rolled back). Hence `seq` order = commit order, and a reader
 * that has seen `seq = n` can never later see a row with `seq < n` appear (see docs/event-log.md).
 */
export const EVENT_LOG_SEQ_LOCK = [1732000050, 1] as const;

/**
 * Set-based writer (the only writer of `event_log.events`): one multi-row insert per batch, in batch order,
 * idempotent by event id (`ON CONFLICT (event_id) DO NOTHING`: a redelivered event keeps its first `seq`).
 */
export async function insertEventLogRows(ctx: Pick<ProjectionContext, 'tx'>, rows: EventLogRow[]): Promise<void> {
  const seen = new Set<string>();
  const unique = rows.filter((r) => (seen.has(r.eventId) ? false : (seen.add(r.eventId), true)));
  if (!unique.length) return;
  await ctx.tx.query(`SELECT pg_advisory_xact_lock($1, $2)`, [...EVENT_LOG_SEQ_LOCK]);
  await ctx.tx.query(
    `INSERT INTO event_log.events (event_id, organisation_id, event_type, ts_ms, status, action, target, originator, call_id,
       session_id, format, credential_type, signature_algorithm, published)
     SELECT event_id, organisation_id, event_type, ts_ms, status, action, target, originator, call_id,
       session_id, format, credential_type, signature_algorithm, published
     FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
       $10::text[], $11::text[], $12::text[], $13::text[], $14::jsonb[])
       WITH ORDINALITY AS u(event_id, organisation_id, event_type, ts_ms, status, action, target, originator, call_id,
       session_id, format, credential_type, signature_algorithm, published, ord)
     ORDER BY ord
     ON CONFLICT (event_id) DO NOTHING`,
    [
      unique.map((r) => r.eventId),
      unique.map((r) => r.organisationId),
      unique.map((r) => r.eventType),
      unique.map((r) => String(r.tsMs)),
      unique.map((r) => r.status),
      unique.map((r) => r.action),
      unique.map((r) => r.target),
      unique.map((r) => r.originator),
      unique.map((r) => r.callId),
      unique.map((r) => r.sessionId),
      unique.map((r) => r.format),
      unique.map((r) => r.credentialType),
      unique.map((r) => r.signatureAlgorithm),
      unique.map((r) => JSON.stringify(r.published)),
    ],
  );
}

export const eventLogProjection: Projection = {
  name: 'event-log',
  version: 1,
  topics: [TOPICS.sessions],
  handles: SESSION_EVENTS.map((d) => d.type),
  dedupe: 'projection',
  async apply(events, ctx) {
    const rows = events.map(toEventLogRow).filter((r): r is EventLogRow => r !== null);
    await insertEventLogRows(ctx, rows);
  },
};
