import type { DataSource } from 'typeorm';
import { TenantDatabase, type SqlQueryable } from '@cep/platform';
import { decodeCursor, encodeCursor, type PollCursor } from './activity-cursor';
import { ActivityError } from './activity.errors';
import { grainOf, MONTHLY_GRAIN_OFFSET, type ActivityEventType } from './activity.projection';

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

interface StatsSql {
  params: unknown[];
  bounds: string;
  counterWhere: string;
  activityWhere: string;
  edges: string[];
  rangeWhere: string;
}

/** Up to this many claimed issuances in the filtered set, time-to-claim percentiles are exact (percentile_cont). */
export const EXACT_TTC_MAX = 10000;

/** Bounds (ms) of a time-to-claim bucket of `activity.ttc_bucket`: 0 = [0, 1 s), b ≥ 1 = [1000·2^((b−1)/8), 1000·2^(b/8)). */
export function ttcBucketBounds(bucket: number): [number, number] {
  if (bucket <= 0) return [0, 1000];
  return [1000 * 2 ** ((bucket - 1) / 8), 1000 * 2 ** (bucket / 8)];
}

/**
 * Estimates `percentile_cont(p)` from a histogram: the k-th smallest value is placed evenly inside its bucket
 * (the j-th of c values at lo + (j + ½)/c × (hi − lo)), then interpolated between ranks like percentile_cont.
 * The error is below one bucket width (≤ 9.06 % of the value).
 */
export function percentileFromHistogram(hist: readonly { bucket: number; n: number }[], p: number): number | null {
  const sorted = [...hist].filter((h) => h.n > 0).sort((a, b) => a.bucket - b.bucket);
  const total = sorted.reduce((acc, h) => acc + h.n, 0);
  if (!total) return null;
  const valueAt = (k: number): number => {
    let before = 0;
    for (const h of sorted) {
      if (k < before + h.n) {
        const [lo, hi] = ttcBucketBounds(h.bucket);
        return lo + ((k - before + 0.5) / h.n) * (hi - lo);
      }
      before += h.n;
    }
    const [lo, hi] = ttcBucketBounds(sorted[sorted.length - 1].bucket);
    return (lo + hi) / 2;
  };
  const r = p * (total - 1);
  const k = Math.floor(r);
  const lower = valueAt(k);
  return k + 1 < total ? lower + (r - k) * (valueAt(k + 1) - lower) : lower;
}

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
  /** `exactTtcMax`: above this many claimed issuances, time-to-claim comes from the histogram (tests set 0). */
  private readonly db: TenantDatabase;

  /** Every read runs on a tenant session pointed at the caller's organisation (TenantDatabase.run: RLS); a bare DataSource gets the defaults. */
  constructor(
    db: TenantDatabase | DataSource,
    private readonly opts: { exactTtcMax?: number } = {},
  ) {
    this.db = TenantDatabase.of(db);
  }

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
    const rows: any[] = await this.db.run(q.organisationId, (db) =>
      db.query(
        `SELECT ${RECORD_COLUMNS}, ${TS_KEY} AS ts_key FROM activity.records
         WHERE ${where.join(' AND ')} ORDER BY ts DESC, id DESC LIMIT $${params.length}`,
        params,
      ),
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
    const rows: any[] = await this.db.run(q.organisationId, (db) =>
      db.query(
        `SELECT ${RECORD_COLUMNS}, position::text AS pos FROM activity.records
         WHERE ${where.join(' AND ')} ORDER BY position LIMIT $${params.length}`,
        params,
      ),
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

  /**
   * Funnel figures from the pre-aggregated counters (`activity.stats_counters`, maintained by the projection):
   * each issuance counts once, by its latest event, in the cohort of the UTC day of its first event. Whole days
   * inside [startDate, endDate] come from the counters of the grain matching the filters; the partial days at
   * the edges (when a bound is not at a UTC midnight) are counted exactly from `activity.activities`
   * (at most two days of the tenant). Time to claim: exact `percentile_cont` when the set has at most
   * `EXACT_TTC_MAX` claimed issuances, otherwise estimated from the time-to-claim histogram.
   */
  async stats(q: ActivityStatsQuery): Promise<ActivityStats> {
    if (q.startDate && q.endDate && Date.parse(q.startDate) > Date.parse(q.endDate)) throw ActivityError.invalidRange(q.startDate, q.endDate);
    const s = this.statsSql(q);
    const counters = (alias: string, from: string, where: string) =>
      `SELECT coalesce(sum(${alias === 'c' ? 'total' : '1'}), 0)::bigint AS total, coalesce(sum(${alias === 'c' ? 'events' : 'event_count'}), 0)::bigint AS events,
              ${(['created', 'delivered', 'claimed', 'expired', 'failed'] as const)
                .map((k) => (alias === 'c' ? `coalesce(sum(${k}), 0)::bigint AS ${k}` : `count(*) FILTER (WHERE latest_event_type = '${k.toUpperCase()}')::bigint AS ${k}`))
                .join(', ')},
              ${alias === 'c' ? 'coalesce(sum(ttc_count), 0)::bigint' : 'count(*) FILTER (WHERE sent_at IS NOT NULL AND claimed_at IS NOT NULL)::bigint'} AS ttc_count
       FROM ${from} WHERE ${where}`;
    const parts = [counters('c', 'activity.stats_counters', s.counterWhere)];
    for (const edge of s.edges) parts.push(counters('e', 'activity.activities', `${s.activityWhere} AND ${edge}`));
    return this.db.run(q.organisationId, async (db) => {
      const rows: any[] = await db.query(`WITH ${s.bounds} ${parts.join(' UNION ALL ')}`, s.params);
      const n = (k: string) => rows.reduce((acc, r) => acc + Number(r[k] ?? 0), 0);
      const created = n('created');
      const delivered = n('delivered');
      const claimed = n('claimed');
      const ttcCount = n('ttc_count');
      return {
        total: n('total'),
        totalEvents: n('events'),
        created,
        delivered,
        claimed,
        expired: n('expired'),
        failed: n('failed'),
        claimRate: claimRate(created, delivered, claimed),
        timeToClaim: { count: ttcCount, ...(await this.timeToClaim(db, s, ttcCount)) },
      };
    });
  }

  private async timeToClaim(db: SqlQueryable, s: StatsSql, count: number): Promise<{ medianMs: number | null; p90Ms: number | null }> {
    if (count === 0) return { medianMs: null, p90Ms: null };
    const ttc = `extract(epoch FROM claimed_at - sent_at) * 1000`;
    const claimedOnly = `sent_at IS NOT NULL AND claimed_at IS NOT NULL`;
    if (count <= (this.opts.exactTtcMax ?? EXACT_TTC_MAX)) {
      const [r] = await db.query(
        `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ${ttc}) AS median, percentile_cont(0.9) WITHIN GROUP (ORDER BY ${ttc}) AS p90
         FROM activity.activities WHERE ${s.activityWhere} AND ${claimedOnly}${s.rangeWhere ? ` AND ${s.rangeWhere}` : ''}`,
        s.params,
      );
      const ms = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v) * 1000) / 1000);
      return { medianMs: ms(r.median), p90Ms: ms(r.p90) };
    }
    // Whole months [mf, me) from the monthly roll-ups; the other whole days from the daily rows; edges from the issuances.
    const months = `m AS (SELECT (date_trunc('month', ((SELECT f FROM b) - 1)::timestamp) + interval '1 month')::date AS mf,
                         date_trunc('month', ((SELECT l FROM b) + 1)::timestamp)::date AS me)`;
    const daily = s.counterWhere.replace(/ AND day >= \(SELECT f FROM b\) AND day <= \(SELECT l FROM b\)$/, '');
    const parts = [
      `SELECT bucket, n FROM activity.ttc_histogram WHERE ${daily} AND day >= (SELECT f FROM b) AND day <= (SELECT l FROM b) AND day < (SELECT mf FROM m)`,
      `SELECT bucket, n FROM activity.ttc_histogram WHERE ${daily} AND day >= GREATEST((SELECT me FROM m), (SELECT mf FROM m), (SELECT f FROM b)) AND day <= (SELECT l FROM b)`,
      `SELECT bucket, n FROM activity.ttc_histogram WHERE ${daily.replace(/grain = (\d)/, (_, g) => `grain = ${Number(g) + MONTHLY_GRAIN_OFFSET}`)} AND day >= (SELECT mf FROM m) AND day < (SELECT me FROM m)`,
    ];
    for (const edge of s.edges) {
      parts.push(`SELECT activity.ttc_bucket(${ttc}) AS bucket, count(*) AS n FROM activity.activities WHERE ${s.activityWhere} AND ${claimedOnly} AND ${edge} GROUP BY 1`);
    }
    const rows: { bucket: number; n: string }[] = await db.query(
      `WITH ${s.bounds}, ${months} SELECT bucket, sum(n)::bigint AS n FROM (${parts.join(' UNION ALL ')}) h GROUP BY bucket ORDER BY bucket`,
      s.params,
    );
    const hist = rows.map((r) => ({ bucket: Number(r.bucket), n: Number(r.n) }));
    const round = (v: number | null) => (v === null ? null : Math.round(v));
    return { medianMs: round(percentileFromHistogram(hist, 0.5)), p90Ms: round(percentileFromHistogram(hist, 0.9)) };
  }

  /**
   * The SQL pieces of a stats query: `bounds` (CTE `b`: first and last whole UTC day inside the range), the
   * counters' key condition, the issuances' filter, and the partial edge-day ranges of `activity.activities`.
   */
  private statsSql(q: ActivityStatsQuery): StatsSql {
    const params: unknown[] = [q.organisationId];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const byBoost = !!q.boostUris?.length;
    const byIntegration = q.integrationId !== undefined;
    const counter = [`organisation_id = $1`, `grain = ${grainOf(byBoost, byIntegration)}`];
    const activity = [`organisation_id = $1`];
    if (byBoost) {
      const b = p(q.boostUris);
      counter.push(`boost_uri = ANY(${b}::text[])`);
      activity.push(`boost_uri = ANY(${b}::text[])`);
    } else counter.push('boost_uri IS NULL');
    if (byIntegration) {
      const i = p(q.integrationId);
      counter.push(`integration_id = ${i}`);
      activity.push(`integration_id = ${i}`);
    } else counter.push('integration_id IS NULL');
    const start = q.startDate !== undefined ? p(q.startDate) : undefined;
    const end = q.endDate !== undefined ? p(q.endDate) : undefined;
    // f = the first UTC day starting at or after startDate; l = the last UTC day ending at or before endDate.
    const bounds = `b AS (SELECT ${start ? `((${start}::timestamptz AT TIME ZONE 'UTC') - interval '1 microsecond')::date + 1` : `'-infinity'::date`} AS f,
      ${end ? `((${end}::timestamptz AT TIME ZONE 'UTC') + interval '1 microsecond')::date - 1` : `'infinity'::date`} AS l)`;
    counter.push(`day >= (SELECT f FROM b) AND day <= (SELECT l FROM b)`);
    const fTs = `((SELECT f FROM b)::timestamp AT TIME ZONE 'UTC')`;
    const lTs = `(((SELECT l FROM b) + 1)::timestamp AT TIME ZONE 'UTC')`;
    const edges: string[] = [];
    // [startDate, f) and [max(l + 1, f), endDate]: disjoint, and together the whole range when no day is whole.
    if (start) edges.push(`started_at >= ${start}::timestamptz AND started_at < ${fTs}${end ? ` AND started_at <= ${end}::timestamptz` : ''}`);
    if (end) edges.push(`started_at >= GREATEST(${lTs}, ${fTs}) AND started_at <= ${end}::timestamptz${start ? ` AND started_at >= ${start}::timestamptz` : ''}`);
    const range = [start ? `started_at >= ${start}::timestamptz` : '', end ? `started_at <= ${end}::timestamptz` : ''].filter(Boolean).join(' AND ');
    return { params, bounds, counterWhere: counter.join(' AND '), activityWhere: activity.join(' AND '), edges, rangeWhere: range };
  }

  /** The latest event of an issuance; 404 when it does not exist or belongs to another organisation. */
  async get(organisationId: string, activityId: string): Promise<CredentialActivity> {
    const rows: any[] = await this.db.run(organisationId, (db) => db.query(
      `SELECT r.id, r.activity_id, r.event_type, r.ts, r.actor_profile_id, r.recipient_type, r.recipient_identifier, r.boost_uri,
              r.credential_uri, r.inbox_credential_id, r.integration_id, r.source, r.metadata
       FROM activity.activities a JOIN activity.records r ON r.id = a.latest_event_id
       WHERE a.activity_id = $1 AND a.organisation_id = $2`,
      [activityId, organisationId],
    ));
    if (!rows.length) throw ActivityError.notFound(activityId);
    return toRecord(rows[0]);
  }

  /** Every event of an issuance, oldest first (by event time, then id). */
  async chain(organisationId: string, activityId: string): Promise<CredentialActivity[]> {
    const rows: any[] = await this.db.run(organisationId, (db) =>
      db.query(`SELECT ${RECORD_COLUMNS} FROM activity.records WHERE activity_id = $1 AND organisation_id = $2 ORDER BY ts, id`, [activityId, organisationId]),
    );
    if (!rows.length) throw ActivityError.notFound(activityId);
    return rows.map(toRecord);
  }
}
