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
  'credential.accepted',
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
}

const SEND_TYPES: ReadonlySet<ActivityEventType> = new Set(['CREATED', 'DELIVERED']);

/**
 * Pure: maps one platform event to an activity record, or null when it is not an activity event. Every record
 * belongs to the event's own tenant (the envelope's `organisationid`, set by the producer from the caller's
 * token), never to a tenant named in the payload: only the issuer's own events build its chains.
 * - `credential.offered` → CREATED for an email/phone recipient, DELIVERED for a profile recipient (the issuer
 *   delivers the offer to the profile's wallet);
 * - `credential.accepted` → CLAIMED (same activityId as the send): the issuer records it for a wallet claim whose
 *   pre-authorized code it verified (at the holder's claim time), or from its own accept API;
 * - `credential.offer-expired` → EXPIRED; `credential.delivery-failed` → FAILED with `metadata.error`.
 * The wallet's events (received, claimed) stay in the wallet's tenant's history and are not activity events.
 */
export function toActivityRecord(e: EventEnvelope): ActivityRecordRow | null {
  const d = e.data as IssuanceData;
  let eventType: ActivityEventType;
  const organisationId = e.organisationid;
  switch (e.type) {
    case 'credential.offered':
      if (!d.recipient) return null;
      eventType = d.recipient.type === 'profile' ? 'DELIVERED' : 'CREATED';
      break;
    case 'credential.accepted':
      eventType = 'CLAIMED';
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
    // identifying fields: the (earliest) send's; before any send, the first non-null value (as the upsert merges)
    if (isSend && (cur.sentAt === null || Date.parse(r.timestamp) < Date.parse(cur.sentAt))) {
      cur.sentAt = r.timestamp;
      cur.fromSend = true;
      cur.boostUri = r.boostUri;
      cur.integrationId = r.integrationId;
      cur.recipientType = r.recipientType;
      cur.recipientIdentifier = r.recipientIdentifier;
    } else if (!cur.fromSend) {
      cur.boostUri ??= r.boostUri;
      cur.integrationId ??= r.integrationId;
    }
    if (r.eventType === 'CLAIMED' && (cur.claimedAt === null || Date.parse(r.timestamp) < Date.parse(cur.claimedAt))) {
      cur.claimedAt = r.timestamp;
    }
  }
  return [...byActivity.values()].sort((a, b) => (a.activityId < b.activityId ? -1 : a.activityId > b.activityId ? 1 : 0));
}

/** Inserts the records (idempotent by event id) and returns those that were new. */
export async function insertActivityRecords(ctx: Pick<ProjectionContext, 'tx'>, records: readonly ActivityRecordRow[]): Promise<ActivityRecordRow[]> {
  const unique = new Map<string, ActivityRecordRow>();
  for (const r of records) if (!unique.has(r.id)) unique.set(r.id, r);
  const candidates = [...unique.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (!candidates.length) return [];
  // Take the feed_position row lock first (SELECT … FOR UPDATE: the row's value is unchanged), held until this
  // transaction commits: positions are therefore handed out in commit order, which is what lets `after` polling
  // never skip a record. Every activity batch takes it first, so no other batch can insert one of these ids
  // between the existence check and the insert: positions are reserved for the new records only, and a
  // redelivered batch changes no row at all (not even the counter).
  await ctx.tx.query(`SELECT next FROM activity.feed_position WHERE id = 1 FOR UPDATE`);
  const existing: { id: string }[] = await ctx.tx.query(`SELECT id::text AS id FROM activity.records WHERE id = ANY($1::uuid[])`, [
    candidates.map((r) => r.id),
  ]);
  const seen = new Set(existing.map((r) => r.id.toLowerCase()));
  const rows = candidates.filter((r) => !seen.has(r.id.toLowerCase()));
  if (!rows.length) return [];
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

/** An issuance's contribution to the stats counters, as read before / returned after the latest-state upsert. */
export interface ActivityStatsRow {
  activity_id: string;
  organisation_id: string;
  latest_event_type: ActivityEventType;
  boost_uri: string | null;
  integration_id: string | null;
  /** UTC date (YYYY-MM-DD) of `started_at`: the issuance's cohort day. */
  day: string;
  event_count: number;
  /** `activity.ttc_bucket(claimed_at − sent_at)`, null without a send and a claim. */
  ttc_bucket: number | null;
}

/** One counter row's delta (`activity.stats_counters`). */
export interface StatsCounterDelta {
  organisationId: string;
  grain: number;
  boostUri: string | null;
  integrationId: string | null;
  day: string;
  total: number;
  events: number;
  created: number;
  delivered: number;
  claimed: number;
  expired: number;
  failed: number;
  ttcCount: number;
}

/** One histogram row's delta (`activity.ttc_histogram`). */
export interface TtcHistogramDelta {
  organisationId: string;
  grain: number;
  boostUri: string | null;
  integrationId: string | null;
  day: string;
  bucket: number;
  n: number;
}

/** Stats grains (grouping sets): 0 = (day), 1 = (day, boostUri), 2 = (day, integrationId), 3 = both. */
export const STATS_GRAINS = [0, 1, 2, 3] as const;
/** Histogram grains + 4: the same keys rolled up per UTC month (`day` = the month's first day). */
export const MONTHLY_GRAIN_OFFSET = 4;
export const grainOf = (byBoost: boolean, byIntegration: boolean): number => (byBoost ? 1 : 0) | (byIntegration ? 2 : 0);

const STATE_FIELD: Record<ActivityEventType, 'created' | 'delivered' | 'claimed' | 'expired' | 'failed'> = {
  CREATED: 'created',
  DELIVERED: 'delivered',
  CLAIMED: 'claimed',
  EXPIRED: 'expired',
  FAILED: 'failed',
};

/**
 * Pure: the counter and histogram deltas of a batch: each issuance's previous row (if any) is subtracted at its
 * old keys and its new row added at its new keys (state, cohort day, template, integration and time-to-claim
 * bucket may all change). One delta per key, zero deltas dropped, sorted by key (the write and lock order).
 */
export function statsDeltas(
  before: readonly ActivityStatsRow[],
  after: readonly ActivityStatsRow[],
): { counters: StatsCounterDelta[]; histogram: TtcHistogramDelta[] } {
  const counters = new Map<string, StatsCounterDelta>();
  const histogram = new Map<string, TtcHistogramDelta>();
  const add = (r: ActivityStatsRow, sign: 1 | -1) => {
    for (const grain of STATS_GRAINS) {
      const boostUri = grain & 1 ? r.boost_uri : null;
      const integrationId = grain & 2 ? r.integration_id : null;
      const key = JSON.stringify([r.organisation_id, grain, boostUri, integrationId, r.day]);
      let c = counters.get(key);
      if (!c) {
        c = { organisationId: r.organisation_id, grain, boostUri, integrationId, day: r.day, total: 0, events: 0, created: 0, delivered: 0, claimed: 0, expired: 0, failed: 0, ttcCount: 0 };
        counters.set(key, c);
      }
      c.total += sign;
      c.events += sign * Number(r.event_count);
      c[STATE_FIELD[r.latest_event_type]] += sign;
      if (r.ttc_bucket !== null && r.ttc_bucket !== undefined) {
        c.ttcCount += sign;
        const bucket = Number(r.ttc_bucket);
        // Daily rows (grain) and monthly roll-ups (grain + 4, day = the 1st of the month).
        for (const [g, day] of [
          [grain, r.day],
          [grain + MONTHLY_GRAIN_OFFSET, `${r.day.slice(0, 7)}-01`],
        ] as const) {
          const hKey = JSON.stringify([r.organisation_id, g, boostUri, integrationId, day, bucket]);
          const h = histogram.get(hKey) ?? { organisationId: r.organisation_id, grain: g, boostUri, integrationId, day, bucket, n: 0 };
          h.n += sign;
          histogram.set(hKey, h);
        }
      }
    }
  };
  for (const r of before) add(r, -1);
  for (const r of after) add(r, 1);
  const sorted = <T>(m: Map<string, T>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
  return {
    counters: sorted(counters).filter((c) => c.total || c.events || c.created || c.delivered || c.claimed || c.expired || c.failed || c.ttcCount),
    histogram: sorted(histogram).filter((h) => h.n !== 0),
  };
}

const STATS_COLUMNS = `activity_id, organisation_id, latest_event_type, boost_uri, integration_id,
  to_char((started_at AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS day, event_count,
  activity.ttc_bucket(extract(epoch FROM claimed_at - sent_at) * 1000) AS ttc_bucket`;

/** The incoming batch has a send earlier than the stored one (or the first send): its identifying fields win. */
const EARLIER_SEND = `EXCLUDED.sent_at IS NOT NULL AND (a.sent_at IS NULL OR EXCLUDED.sent_at < a.sent_at)`;

/**
 * One upsert per activity for the whole batch, rows in activityId order (every writer locks in the same order,
 * so concurrent batches of different partitions touching the same activities do not deadlock).
 * The latest state is replaced only when the incoming (time, id) is greater than the stored one, so a late,
 * older event never regresses it. Send/claim/start times merge with LEAST; the (earliest) send's identifying
 * fields win over those copied by a claim, whichever arrived first, also where the send's are null (before any
 * send: the first non-null boostUri / integrationId); the event count adds up (only new events reach here). So the
 * row does not depend on which partition's batch (credentials or wallet topic) created it.
 *
 * The stats counters follow in the same transaction: the previous rows are read FOR UPDATE (activityId order)
 * before the upsert, the new ones come back from its RETURNING, and `statsDeltas` turns the difference into one
 * upsert per counter key. (Issuances that do not exist yet cannot be inserted by a concurrent batch in between:
 * every batch holds the `feed_position` row lock from its first statement to its commit.)
 */
export async function upsertActivities(ctx: Pick<ProjectionContext, 'tx'>, deltas: readonly ActivityDelta[]): Promise<void> {
  if (!deltas.length) return;
  const ids = deltas.map((d) => d.activityId);
  const before: ActivityStatsRow[] = await ctx.tx.query(
    `SELECT ${STATS_COLUMNS} FROM activity.activities WHERE activity_id = ANY($1::uuid[]) ORDER BY activity_id FOR UPDATE`,
    [ids],
  );
  const after: ActivityStatsRow[] = await ctx.tx.query(
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
       boost_uri            = CASE WHEN ${EARLIER_SEND} THEN EXCLUDED.boost_uri WHEN a.sent_at IS NOT NULL THEN a.boost_uri ELSE COALESCE(a.boost_uri, EXCLUDED.boost_uri) END,
       integration_id       = CASE WHEN ${EARLIER_SEND} THEN EXCLUDED.integration_id WHEN a.sent_at IS NOT NULL THEN a.integration_id ELSE COALESCE(a.integration_id, EXCLUDED.integration_id) END,
       recipient_type       = CASE WHEN ${EARLIER_SEND} THEN EXCLUDED.recipient_type ELSE a.recipient_type END,
       recipient_identifier = CASE WHEN ${EARLIER_SEND} THEN EXCLUDED.recipient_identifier ELSE a.recipient_identifier END,
       started_at = LEAST(a.started_at, EXCLUDED.started_at),
       sent_at    = LEAST(a.sent_at, EXCLUDED.sent_at),
       claimed_at = LEAST(a.claimed_at, EXCLUDED.claimed_at),
       event_count = a.event_count + EXCLUDED.event_count
     RETURNING ${STATS_COLUMNS}`,
    [
      ids,
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
  await writeStatsDeltas(ctx, statsDeltas(before, after));
}

/** One upsert per counter key and one per histogram key (rows pre-aggregated and sorted by `statsDeltas`). */
export async function writeStatsDeltas(ctx: Pick<ProjectionContext, 'tx'>, d: ReturnType<typeof statsDeltas>): Promise<void> {
  const c = d.counters;
  if (c.length) {
    await ctx.tx.query(
      `INSERT INTO activity.stats_counters AS c (organisation_id, grain, boost_uri, integration_id, day, total, events, created, delivered,
         claimed, expired, failed, ttc_count)
       SELECT * FROM unnest($1::text[], $2::smallint[], $3::text[], $4::text[], $5::date[], $6::bigint[], $7::bigint[], $8::bigint[],
         $9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[], $13::bigint[])
       ON CONFLICT (organisation_id, grain, boost_uri, integration_id, day) DO UPDATE SET
         total = c.total + EXCLUDED.total, events = c.events + EXCLUDED.events, created = c.created + EXCLUDED.created,
         delivered = c.delivered + EXCLUDED.delivered, claimed = c.claimed + EXCLUDED.claimed, expired = c.expired + EXCLUDED.expired,
         failed = c.failed + EXCLUDED.failed, ttc_count = c.ttc_count + EXCLUDED.ttc_count`,
      [
        c.map((x) => x.organisationId),
        c.map((x) => x.grain),
        c.map((x) => x.boostUri),
        c.map((x) => x.integrationId),
        c.map((x) => x.day),
        c.map((x) => x.total),
        c.map((x) => x.events),
        c.map((x) => x.created),
        c.map((x) => x.delivered),
        c.map((x) => x.claimed),
        c.map((x) => x.expired),
        c.map((x) => x.failed),
        c.map((x) => x.ttcCount),
      ],
    );
  }
  const h = d.histogram;
  if (h.length) {
    await ctx.tx.query(
      `INSERT INTO activity.ttc_histogram AS h (organisation_id, grain, boost_uri, integration_id, day, bucket, n)
       SELECT * FROM unnest($1::text[], $2::smallint[], $3::text[], $4::text[], $5::date[], $6::smallint[], $7::bigint[])
       ON CONFLICT (organisation_id, grain, boost_uri, integration_id, day, bucket) DO UPDATE SET n = h.n + EXCLUDED.n`,
      [h.map((x) => x.organisationId), h.map((x) => x.grain), h.map((x) => x.boostUri), h.map((x) => x.integrationId), h.map((x) => x.day), h.map((x) => x.bucket), h.map((x) => x.n)],
    );
  }
}

/** Applies a batch: records first (dedupe by event id), then one latest-state upsert per activity. */
export async function applyActivityEvents(ctx: Pick<ProjectionContext, 'tx'>, events: readonly EventEnvelope[]): Promise<void> {
  const records = events.map(toActivityRecord).filter((r): r is ActivityRecordRow => r !== null);
  const fresh = await insertActivityRecords(ctx, records);
  await upsertActivities(ctx, reduceActivities(fresh));
}

export const activityProjection: Projection = {
  name: 'activity',
  // 2: records come only from the issuer's own credential events (offered -> CREATED/DELIVERED, accepted ->
  // CLAIMED); wallet events, whose payload named the issuer tenant, no longer make records. Rebuild on upgrade.
  version: 2,
  topics: [TOPICS.credentials],
  handles: [...ACTIVITY_SOURCE_EVENTS],
  // Idempotent by event id: records are inserted ON CONFLICT (id) DO NOTHING and only the new ones feed the
  // latest-state upsert (so a replayed event never counts twice).
  dedupe: 'projection',
  apply: (events, ctx) => applyActivityEvents(ctx, events),
};
