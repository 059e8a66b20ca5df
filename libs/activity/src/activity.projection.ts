import { TOPICS, type EventEnvelope } from '@cep/contracts';
import type { Projection, ProjectionContext } from '@cep/messaging';

/** Activity event types (seed 002). */
export const ACTIVITY_EVENT_TYPES = ['CREATED', 'DELIVERED', 'CLAIMED', 'EXPIRED', 'FAILED'] as const;
export type ActivityEventType = (typeof ACTIVITY_EVENT_TYPES)[number];

/** One activity event as stored (`activity.records`). Times are ISO strings. */
export interface ActivityRecordRow {
  id: string;
  organisationId: string;
  activityId: string;
  eventType: ActivityEventType;
  timestamp: string;
  actorProfileId: string;
  recipientType: string;
  recipientIdentifier: string;
  boostUri: string | null;
  credentialUri: string | null;
  inboxCredentialId: string | null;
  integrationId: string | null;
  source: string;
  metadata: Record<string, unknown> | null;
}

/** The per-batch contribution of new events to one activity's latest-state row. */
export interface ActivityDelta {
  activityId: string;
  organisationId: string;
  latestEventType: ActivityEventType;
  latestTs: string;
  latestEventId: string;
  boostUri: string | null;
  integrationId: string | null;
  recipientType: string;
  recipientIdentifier: string;
  startedAt: string;
  /** Time of the send (CREATED or DELIVERED) if this batch has it. */
  sentAt: string | null;
  /** Time of the first CLAIMED in this batch. */
  claimedAt: string | null;
  /** True when the identifying fields come from the send event. */
  fromSend: boolean;
  eventCount: number;
}

/** Event types this projection consumes, with the activity type each becomes. */
export const ACTIVITY_SOURCE_EVENTS = [
  'credential.offered',
  'wallet.credential-received',
  'wallet.credential-claimed',
  'credential.offer-expired',
  'credential.delivery-failed',
] as const;

interface IssuanceData {
  credentialId: string;
  activityId: string;
  actorProfileId: string;
  recipient?: { type: string; identifier: string };
  boostUri?: string;
  integrationId?: string;
  source: string;
  credentialUri?: string;
  inboxCredentialId?: string;
  reason?: string;
  error?: string;
  /** Wallet events: the tenant that issued the credential and owns the chain. */
  issuerOrganisationId?: string;
}

const SEND_TYPES: ReadonlySet<ActivityEventType> = new Set(['CREATED', 'DELIVERED']);

/**
 * Pure: maps one platform event to an activity record, or null when it is not an activity event.
 * - `credential.offered` to an email/phone recipient → CREATED (a profile recipient's offer is logged when it
 *   lands in the wallet, as DELIVERED);
 * - `wallet.credential-received` to a profile recipient → DELIVERED;
 * - `wallet.credential-claimed` → CLAIMED (same activityId as the send);
 * - `credential.offer-expired` → EXPIRED; `credential.delivery-failed` → FAILED with `metadata.error`.
 * Wallet events belong to the issuing tenant (`issuerOrganisationId`): the issuer sees the claims of the
 * credentials it issued.
 */
export function toActivityRecord(e: EventEnvelope): ActivityRecordRow | null {
  const d = e.data as IssuanceData;
  let eventType: ActivityEventType;
  let organisationId = e.organisationId;
  switch (e.type) {
    case 'credential.offered':
      if (!d.recipient || d.recipient.type === 'profile') return null;
      eventType = 'CREATED';
      break;
    case 'wallet.credential-received':
      if (d.recipient?.type !== 'profile') return null;
      eventType = 'DELIVERED';
      organisationId = d.issuerOrganisationId ?? e.organisationId;
      break;
    case 'wallet.credential-claimed':
      eventType = 'CLAIMED';
      organisationId = d.issuerOrganisationId ?? e.organisationId;
      break;
    case 'credential.offer-expired':
      eventType = 'EXPIRED';
      break;
    case 'credential.delivery-failed':
      eventType = 'FAILED';
      break;
    default:
      return null;
  }
  const metadata: Record<string, unknown> = { credentialId: d.credentialId };
  if (eventType === 'FAILED') metadata.error = d.error ?? d.reason ?? 'delivery failed';
  else if (d.reason) metadata.reason = d.reason;
  return {
    id: e.id.toLowerCase(),
    organisationId,
    activityId: d.activityId.toLowerCase(),
    eventType,
    timestamp: new Date(e.time).toISOString(),
    actorProfileId: d.actorProfileId,
    recipientType: d.recipient?.type ?? 'profile',
    recipientIdentifier: d.recipient?.identifier ?? '',
    boostUri: d.boostUri ?? null,
    credentialUri: d.credentialUri ?? null,
    inboxCredentialId: d.inboxCredentialId ?? null,
    integrationId: d.integrationId ?? null,
    source: d.source,
    metadata,
  };
}

/** (time, id) order of activity events: the chain order and the "latest" order. */
export function compareRecords(a: Pick<ActivityRecordRow, 'timestamp' | 'id'>, b: Pick<ActivityRecordRow, 'timestamp' | 'id'>): number {
  const t = Date.parse(a.timestamp) - Date.parse(b.timestamp);
  if (t !== 0) return t;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Pure: folds the new records of a batch into one delta per activity, sorted by activityId (lock order). */
export function reduceActivities(records: readonly ActivityRecordRow[]): ActivityDelta[] {
  const byActivity = new Map<string, ActivityDelta>();
  for (const r of records) {
    const isSend = SEND_TYPES.has(r.eventType);
    const cur = byActivity.get(r.activityId);
    if (!cur) {
      byActivity.set(r.activityId, {
        activityId: r.activityId,
        organisationId: r.organisationId,
        latestEventType: r.eventType,
        latestTs: r.timestamp,
        latestEventId: r.id,
        boostUri: r.boostUri,
        integrationId: r.integrationId,
        recipientType: r.recipientType,
        recipientIdentifier: r.recipientIdentifier,
        startedAt: r.timestamp,
        sentAt: isSend ? r.timestamp : null,
        claimedAt: r.eventType === 'CLAIMED' ? r.timestamp : null,
        fromSend: isSend,
        eventCount: 1,
      });
      continue;
    }
    cur.eventCount += 1;
    if (compareRecords(r, { timestamp: cur.latestTs, id: cur.latestEventId }) > 0) {
      cur.latestEventType = r.eventType;
      cur.latestTs = r.timestamp;
      cur.latestEventId = r.id;
    }
    if (Date.parse(r.timestamp) < Date.parse(cur.startedAt)) cur.startedAt = r.timestamp;
    if (isSend && (cur.sentAt === null || Date.parse(r.timestamp) < Date.parse(cur.sentAt))) cur.sentAt = r.timestamp;
    if (r.eventType === 'CLAIMED' && (cur.claimedAt === null || Date.parse(r.timestamp) < Date.parse(cur.claimedAt))) {
      cur.claimedAt = r.timestamp;
    }
    if (isSend && !cur.fromSend) {
      cur.fromSend = true;
      cur.boostUri = r.boostUri;
      cur.integrationId = r.integrationId;
      cur.recipientType = r.recipientType;
      cur.recipientIdentifier = r.recipientIdentifier;
    }
  }
  return [...byActivity.values()].sort((a, b) => (a.activityId < b.activityId ? -1 : a.activityId > b.activityId ? 1 : 0));
}

/** Inserts the records (idempotent by event id) and returns those that were new. */
export async function insertActivityRecords(ctx: Pick<ProjectionContext, 'tx'>, records: readonly ActivityRecordRow[]): Promise<ActivityRecordRow[]> {
  const unique = new Map<string, ActivityRecordRow>();
  for (const r of records) if (!unique.has(r.id)) unique.set(r.id, r);
  const rows = [...unique.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (!rows.length) return [];
  // Reserve positions under the feed_position row lock, held until this transaction commits: positions are
  // therefore handed out in commit order, which is what lets `after` polling never skip a record.
  const [{ first }] = await ctx.tx.query(
    `WITH u AS (UPDATE activity.feed_position SET next = next + $1 WHERE id = 1 RETURNING next - $1 AS first) SELECT first FROM u`,
    [rows.length],
  );
  const inserted: { id: string }[] = await ctx.tx.query(
    `INSERT INTO activity.records (id, organisation_id, activity_id, event_type, ts, actor_profile_id, recipient_type,
       recipient_identifier, boost_uri, credential_uri, inbox_credential_id, integration_id, source, metadata, position)
     SELECT t.id, t.o, t.a, t.e, t.ts, t.ap, t.rt, t.ri, t.b, t.cu, t.ic, t.ii, t.s, t.m, $15::bigint + t.ord - 1
     FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::timestamptz[], $6::text[], $7::text[],
       $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::jsonb[])
       WITH ORDINALITY AS t(id, o, a, e, ts, ap, rt, ri, b, cu, ic, ii, s, m, ord)
     ORDER BY t.ord
     ON CONFLICT (id) DO NOTHING
     RETURNING id`,
    [
      rows.map((r) => r.id),
      rows.map((r) => r.organisationId),
      rows.map((r) => r.activityId),
      rows.map((r) => r.eventType),
      rows.map((r) => r.timestamp),
      rows.map((r) => r.actorProfileId),
      rows.map((r) => r.recipientType),
      rows.map((r) => r.recipientIdentifier),
      rows.map((r) => r.boostUri),
      rows.map((r) => r.credentialUri),
      rows.map((r) => r.inboxCredentialId),
      rows.map((r) => r.integrationId),
      rows.map((r) => r.source),
      rows.map((r) => (r.metadata ? JSON.stringify(r.metadata) : null)),
      first,
    ],
  );
  const fresh = new Set(inserted.map((r) => r.id));
  return rows.filter((r) => fresh.has(r.id));
}

/**
 * One upsert per activity for the whole batch, rows in activityId order (every writer locks in the same order,
 * so concurrent batches of different partitions touching the same activities do not deadlock).
 * The latest state is replaced only when the incoming (time, id) is greater than the stored one, so a late,
 * older event never regresses it. Send/claim/start times merge with LEAST; the send's identifying fields win
 * over those copied by a claim that arrived first; the event count adds up (only new events reach here).
 */
export async function upsertActivities(ctx: Pick<ProjectionContext, 'tx'>, deltas: readonly ActivityDelta[]): Promise<void> {
  if (!deltas.length) return;
  await ctx.tx.query(
    `INSERT INTO activity.activities AS a (activity_id, organisation_id, latest_event_type, latest_ts, latest_event_id,
       boost_uri, integration_id, recipient_type, recipient_identifier, started_at, sent_at, claimed_at, event_count)
     SELECT t.activity_id, t.organisation_id, t.latest_event_type, t.latest_ts, t.latest_event_id, t.boost_uri,
       t.integration_id, t.recipient_type, t.recipient_identifier, t.started_at, t.sent_at, t.claimed_at, t.event_count
     FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::uuid[], $6::text[], $7::text[], $8::text[],
       $9::text[], $10::timestamptz[], $11::timestamptz[], $12::timestamptz[], $13::int[])
       AS t(activity_id, organisation_id, latest_event_type, latest_ts, latest_event_id, boost_uri, integration_id,
            recipient_type, recipient_identifier, started_at, sent_at, claimed_at, event_count)
     ORDER BY t.activity_id
     ON CONFLICT (activity_id) DO UPDATE SET
       latest_event_type = CASE WHEN (EXCLUDED.latest_ts, EXCLUDED.latest_event_id) > (a.latest_ts, a.latest_event_id)
                                THEN EXCLUDED.latest_event_type ELSE a.latest_event_type END,
       latest_event_id   = CASE WHEN (EXCLUDED.latest_ts, EXCLUDED.latest_event_id) > (a.latest_ts, a.latest_event_id)
                                THEN EXCLUDED.latest_event_id ELSE a.latest_event_id END,
       latest_ts         = GREATEST(a.latest_ts, EXCLUDED.latest_ts),
       boost_uri            = CASE WHEN EXCLUDED.sent_at IS NOT NULL AND a.sent_at IS NULL THEN EXCLUDED.boost_uri ELSE COALESCE(a.boost_uri, EXCLUDED.boost_uri) END,
       integration_id       = CASE WHEN EXCLUDED.sent_at IS NOT NULL AND a.sent_at IS NULL THEN EXCLUDED.integration_id ELSE COALESCE(a.integration_id, EXCLUDED.integration_id) END,
       recipient_type       = CASE WHEN EXCLUDED.sent_at IS NOT NULL AND a.sent_at IS NULL THEN EXCLUDED.recipient_type ELSE a.recipient_type END,
       recipient_identifier = CASE WHEN EXCLUDED.sent_at IS NOT NULL AND a.sent_at IS NULL THEN EXCLUDED.recipient_identifier ELSE a.recipient_identifier END,
       started_at = LEAST(a.started_at, EXCLUDED.started_at),
       sent_at    = LEAST(a.sent_at, EXCLUDED.sent_at),
       claimed_at = LEAST(a.claimed_at, EXCLUDED.claimed_at),
       event_count = a.event_count + EXCLUDED.event_count`,
    [
      deltas.map((d) => d.activityId),
      deltas.map((d) => d.organisationId),
      deltas.map((d) => d.latestEventType),
      deltas.map((d) => d.latestTs),
      deltas.map((d) => d.latestEventId),
      deltas.map((d) => d.boostUri),
      deltas.map((d) => d.integrationId),
      deltas.map((d) => d.recipientType),
      deltas.map((d) => d.recipientIdentifier),
      deltas.map((d) => d.startedAt),
      deltas.map((d) => d.sentAt),
      deltas.map((d) => d.claimedAt),
      deltas.map((d) => d.eventCount),
    ],
  );
}

/** Applies a batch: records first (dedupe by event id), then one latest-state upsert per activity. */
export async function applyActivityEvents(ctx: Pick<ProjectionContext, 'tx'>, events: readonly EventEnvelope[]): Promise<void> {
  const records = events.map(toActivityRecord).filter((r): r is ActivityRecordRow => r !== null);
  const fresh = await insertActivityRecords(ctx, records);
  await upsertActivities(ctx, reduceActivities(fresh));
}

export const activityProjection: Projection = {
  name: 'activity',
  version: 1,
  topics: [TOPICS.credentials, TOPICS.wallet],
  handles: [...ACTIVITY_SOURCE_EVENTS],
  // Idempotent by event id: records are inserted ON CONFLICT (id) DO NOTHING and only the new ones feed the
  // latest-state upsert (so a replayed event never counts twice).
  dedupe: 'projection',
  apply: (events, ctx) => applyActivityEvents(ctx, events),
};
