import type { DataSource } from 'typeorm';
import { decodeCursor, encodeCursor, type PollCursor } from './activity-cursor';
import { ActivityError } from './activity.errors';
import type { ActivityEventType } from './activity.projection';

/** A record as served (seed 002 `CredentialActivity`); absent optional fields are omitted. */
export interface CredentialActivity {
  id: string;
  activityId: string;
  eventType: ActivityEventType;
  timestamp: string;
  actorProfileId: string;
  recipientType: string;
  recipientIdentifier: string;
  boostUri?: string;
  credentialUri?: string;
  inboxCredentialId?: string;
  integrationId?: string;
  source: string;
  metadata?: Record<string, unknown>;
}

export interface ActivityFilters {
  boostUri?: string;
  eventType?: ActivityEventType;
  integrationId?: string;
  /** Inclusive bounds on the record timestamp (ISO 8601). */
  startDate?: string;
  endDate?: string;
}

export interface ActivityListQuery extends ActivityFilters {
  organisationId: string;
  limit: number;
  /** Newest-first keyset cursor from a previous page. */
  cursor?: string;
  /** Polling mode: position from a previous `after` response, or `0` for the beginning. Oldest first. */
  after?: string;
}

export interface ActivityPage {
  records: CredentialActivity[];
  hasMore: boolean;
  /** Newest-first mode: the next page's cursor (null on the last page). `after` mode: the position to poll from next. */
  cursor: string | null;
}

export interface ActivityStatsQuery {
  organisationId: string;
  boostUris?: string[];
  integrationId?: string;
  /** Inclusive bounds on the issuance's start (its first event, normally the send). */
  startDate?: string;
  endDate?: string;
}

export interface ActivityStats {
  total: number;
  totalEvents: number;
  created: number;
  delivered: number;
  claimed: number;
  expired: number;
  failed: number;
  claimRate: number;
  /** Send → first claim, over the filtered issuances that have both (ms; null when there are none). */
  timeToClaim: { count: number; medianMs: number | null; p90Ms: number | null };
}

const RECORD_COLUMNS = `id, activity_id, event_type, ts, actor_profile_id, recipient_type, recipient_identifier, boost_uri,
  credential_uri, inbox_credential_id, integration_id, source, metadata`;
const TS_KEY = `to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** claimed / (created + delivered + claimed) * 100, half-up to 2 decimals, 0 when the denominator is 0. */
export function claimRate(created: number, delivered: number, claimed: number): number {
  const denominator = created + delivered + claimed;
  if (denominator === 0) return 0;
  // The exact quotient of two integers is never within float error of a .5 boundary unless it is exactly on it.
  return Math.round((claimed * 10000) / denominator) / 100;
}

function toRecord(r: any): CredentialActivity {
  const out: CredentialActivity = {
    id: r.id,
    activityId: r.activity_id,
    eventType: r.event_type,
    timestamp: new Date(r.ts).toISOString(),
    actorProfileId: r.actor_profile_id,
    recipientType: r.recipient_type,
    recipientIdentifier: r.recipient_identifier,
    source: r.source,
  };
  if (r.boost_uri !== null) out.boostUri = r.boost_uri;
  if (r.credential_uri !== null) out.credentialUri = r.credential_uri;
  if (r.inbox_credential_id !== null) out.inboxCredentialId = r.inbox_credential_id;
  if (r.integration_id !== null) out.integrationId = r.integration_id;
  if (r.metadata !== null) out.metadata = r.metadata;
  return out;
}

/** Reads the activity read model; every query is scoped to the caller's organisation. */
export class ActivityQueryService {
  constructor(private readonly ds: DataSource) {}

  async list(q: ActivityListQuery): Promise<ActivityPage> {
    if (q.startDate && q.endDate && Date.parse(q.startDate) > Date.parse(q.endDate)) throw ActivityError.invalidRange(q.startDate, q.endDate);
    if (q.after !== undefined) return this.poll(q, decodeCursor(q.after, 'p'));
    const { where, params } = this.filters(q);
    if (q.cursor !== undefined) {
      const c = decodeCursor(q.cursor, 't');
      params.push(c.t, c.i);
      where.push(`(ts, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(q.limit + 1);
    const rows: any[] = await this.ds.query(
      `SELECT ${RECORD_COLUMNS}, ${TS_KEY} AS ts_key FROM activity.records
       WHERE ${where.join(' AND ')} ORDER BY ts DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    const hasMore = rows.length > q.limit;
    const page = hasMore ? rows.slice(0, q.limit) : rows;
    const last = page[page.length - 1];
    return {
      records: page.map(toRecord),
      hasMore,
      cursor: hasMore && last ? encodeCursor({ k: 't', t: last.ts_key, i: last.id }) : null,
    };
  }

  /**
   * Polling mode: records in commit order after the given position. Positions are reserved under a row lock
   * held until the projector's transaction commits, so a record with a smaller position can never become
   * visible after a larger one was handed out: no gaps, even for events that arrive late with an older timestamp.
   */
  private async poll(q: ActivityListQuery, after: PollCursor): Promise<ActivityPage> {
    const { where, params } = this.filters(q);
    params.push(after.n);
    where.push(`position > $${params.length}::bigint`);
    params.push(q.limit + 1);
    const rows: any[] = await this.ds.query(
      `SELECT ${RECORD_COLUMNS}, position::text AS pos FROM activity.records
       WHERE ${where.join(' AND ')} ORDER BY position LIMIT $${params.length}`,
      params,
    );
    const hasMore = rows.length > q.limit;
    const page = hasMore ? rows.slice(0, q.limit) : rows;
    const last = page[page.length - 1];
    return {
      records: page.map(toRecord),
      hasMore,
      cursor: encodeCursor(last ? { k: 'p', n: last.pos } : after),
    };
  }

  private filters(q: ActivityListQuery): { where: string[]; params: unknown[] } {
    const where = ['organisation_id = $1'];
    const params: unknown[] = [q.organisationId];
    const add = (sql: string, v: unknown) => {
      params.push(v);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (q.boostUri !== undefined) add('boost_uri = ?', q.boostUri);
    if (q.eventType !== undefined) add('event_type = ?', q.eventType);
    if (q.integrationId !== undefined) add('integration_id = ?', q.integrationId);
    if (q.startDate !== undefined) add('ts >= ?::timestamptz', q.startDate);
    if (q.endDate !== undefined) add('ts <= ?::timestamptz', q.endDate);
    return { where, params };
  }

  /** Funnel figures from the per-issuance latest-state table: each issuance counts once, by its latest event. */
  async stats(q: ActivityStatsQuery): Promise<ActivityStats> {
    if (q.startDate && q.endDate && Date.parse(q.startDate) > Date.parse(q.endDate)) throw ActivityError.invalidRange(q.startDate, q.endDate);
    const where = ['organisation_id = $1'];
    const params: unknown[] = [q.organisationId];
    if (q.boostUris?.length) {
      params.push(q.boostUris);
      where.push(`boost_uri = ANY($${params.length}::text[])`);
    }
    if (q.integrationId !== undefined) {
      params.push(q.integrationId);
      where.push(`integration_id = $${params.length}`);
    }
    if (q.startDate !== undefined) {
      params.push(q.startDate);
      where.push(`started_at >= $${params.length}::timestamptz`);
    }
    if (q.endDate !== undefined) {
      params.push(q.endDate);
      where.push(`started_at <= $${params.length}::timestamptz`);
    }
    const [r] = await this.ds.query(
      `SELECT count(*)::bigint AS total,
              coalesce(sum(event_count), 0)::bigint AS total_events,
              count(*) FILTER (WHERE latest_event_type = 'CREATED')::bigint AS created,
              count(*) FILTER (WHERE latest_event_type = 'DELIVERED')::bigint AS delivered,
              count(*) FILTER (WHERE latest_event_type = 'CLAIMED')::bigint AS claimed,
              count(*) FILTER (WHERE latest_event_type = 'EXPIRED')::bigint AS expired,
              count(*) FILTER (WHERE latest_event_type = 'FAILED')::bigint AS failed,
              count(*) FILTER (WHERE claimed_at IS NOT NULL AND sent_at IS NOT NULL)::bigint AS ttc_count,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM claimed_at - sent_at) * 1000)
                FILTER (WHERE claimed_at IS NOT NULL AND sent_at IS NOT NULL) AS ttc_median,
              percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM claimed_at - sent_at) * 1000)
                FILTER (WHERE claimed_at IS NOT NULL AND sent_at IS NOT NULL) AS ttc_p90
       FROM activity.activities WHERE ${where.join(' AND ')}`,
      params,
    );
    const n = (v: unknown) => Number(v ?? 0);
    const created = n(r.created);
    const delivered = n(r.delivered);
    const claimed = n(r.claimed);
    const ms = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v) * 1000) / 1000);
    return {
      total: n(r.total),
      totalEvents: n(r.total_events),
      created,
      delivered,
      claimed,
      expired: n(r.expired),
      failed: n(r.failed),
      claimRate: claimRate(created, delivered, claimed),
      timeToClaim: { count: n(r.ttc_count), medianMs: ms(r.ttc_median), p90Ms: ms(r.ttc_p90) },
    };
  }

  /** The latest event of an issuance; 404 when it does not exist or belongs to another organisation. */
  async get(organisationId: string, activityId: string): Promise<CredentialActivity> {
    const rows: any[] = await this.ds.query(
      `SELECT r.id, r.activity_id, r.event_type, r.ts, r.actor_profile_id, r.recipient_type, r.recipient_identifier, r.boost_uri,
              r.credential_uri, r.inbox_credential_id, r.integration_id, r.source, r.metadata
       FROM activity.activities a JOIN activity.records r ON r.id = a.latest_event_id
       WHERE a.activity_id = $1 AND a.organisation_id = $2`,
      [activityId, organisationId],
    );
    if (!rows.length) throw ActivityError.notFound(activityId);
    return toRecord(rows[0]);
  }

  /** Every event of an issuance, oldest first (by event time, then id). */
  async chain(organisationId: string, activityId: string): Promise<CredentialActivity[]> {
    const rows: any[] = await this.ds.query(
      `SELECT ${RECORD_COLUMNS} FROM activity.records WHERE activity_id = $1 AND organisation_id = $2 ORDER BY ts, id`,
      [activityId, organisationId],
    );
    if (!rows.length) throw ActivityError.notFound(activityId);
    return rows.map(toRecord);
  }
}
