import { TOPICS } from '@cep/contracts';
import type { Projection } from '@cep/messaging';
import {
  BUCKET_MS,
  BUCKETS_PER_DAY,
  DAY_MS,
  OPERATION_BY_EVENT_TYPE,
  reportedCredentialType,
  type ReportOperation,
} from './report.model';

/** The fields of an event envelope the report projection reads. */
export interface ReportSourceEvent {
  type: string;
  time: string;
  organisationid: string;
  data: unknown;
}

/**
 * The counts of one read-model row: one organisation, operation, profile and credential type on one UTC day,
 * split into 96 fifteen-minute UTC buckets (`buckets[i]` = operations in [i*15min, (i+1)*15min)).
 */
export interface ReportDayCounts {
  organisationId: string;
  /** UTC day, YYYY-MM-DD. */
  day: string;
  operation: ReportOperation;
  profile: string;
  /** '' when not applicable (status_changed). */
  credentialType: string;
  buckets: number[];
}

export function utcDay(ms: number): string {
  return new Date(Math.floor(ms / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Pure: counts the events per (organisation, operation, profile, credential type, 15-minute UTC bucket),
 * grouped into one entry per UTC day. Events of other types are ignored. The result has one entry per key,
 * sorted by key (a stable lock order for the upsert).
 */
export function aggregateReportEvents(events: Iterable<ReportSourceEvent>): ReportDayCounts[] {
  const byKey = new Map<string, ReportDayCounts>();
  for (const e of events) {
    const op = OPERATION_BY_EVENT_TYPE[e.type];
    if (!op) continue;
    const ms = Date.parse(e.time);
    if (!Number.isFinite(ms)) throw new Error(`event time is not a timestamp: ${e.time}`);
    const d = e.data as { profile: string; credentialType?: string };
    const dayStart = Math.floor(ms / DAY_MS) * DAY_MS;
    const bucket = Math.floor((ms - dayStart) / BUCKET_MS);
    const ct = reportedCredentialType(op, d.credentialType);
    const key = `${e.organisationid}\u0000${dayStart}\u0000${op}\u0000${d.profile}\u0000${ct}`;
    let row = byKey.get(key);
    if (!row) {
      row = { organisationId: e.organisationid, day: utcDay(dayStart), operation: op, profile: d.profile, credentialType: ct, buckets: new Array<number>(BUCKETS_PER_DAY).fill(0) };
      byKey.set(key, row);
    }
    row.buckets[bucket]++;
  }
  return [...byKey.values()].sort(compareDayCounts);
}

function compareDayCounts(a: ReportDayCounts, b: ReportDayCounts): number {
  return (
    cmp(a.organisationId, b.organisationId) || cmp(a.day, b.day) || cmp(a.operation, b.operation) || cmp(a.profile, b.profile) || cmp(a.credentialType, b.credentialType)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The stored form: cumulative counts within the day, `cum[i]` (1-based in SQL) = operations in
 * [00:00, i*15min) UTC, so `cum[96]` is the day's total and any local day is answered from at most
 * two array elements per UTC day (see report-query.service.ts). Cumulative arrays add element-wise.
 */
export function toCumulative(buckets: readonly number[]): number[] {
  const out = new Array<number>(buckets.length);
  let s = 0;
  for (let i = 0; i < buckets.length; i++) {
    s += buckets[i];
    out[i] = s;
  }
  return out;
}

/** Postgres array literal of the cumulative counts (for unnest/COPY). */
export function cumulativeLiteral(buckets: readonly number[]): string {
  return `{${toCumulative(buckets).join(',')}}`;
}

export interface SqlRunner {
  query(sql: string, params?: unknown[]): Promise<any>;
}

/** Set-based writer: ONE upsert per row key per batch, adding the batch's counts to the stored ones. */
export async function upsertReportCounts(tx: SqlRunner, rows: readonly ReportDayCounts[]): Promise<void> {
  if (!rows.length) return;
  await tx.query(
    `INSERT INTO reports.daily_counts AS t (organisation_id, day, operation, profile, credential_type, cum)
     SELECT o, d, op, p, ct, c::bigint[]
     FROM unnest($1::text[], $2::date[], $3::text[], $4::text[], $5::text[], $6::text[]) AS u(o, d, op, p, ct, c)
     ON CONFLICT (organisation_id, day, operation, profile, credential_type)
     DO UPDATE SET cum = reports.add_counts(t.cum, EXCLUDED.cum)`,
    [
      rows.map((r) => r.organisationId),
      rows.map((r) => r.day),
      rows.map((r) => r.operation),
      rows.map((r) => r.profile),
      rows.map((r) => r.credentialType),
      rows.map((r) => cumulativeLiteral(r.buckets)),
    ],
  );
}

/**
 * Daily credential reports. Aggregating projection: the runner dedupes by event id
 * (`projection.processed_events`) in the batch transaction, so a redelivered event never counts twice.
 */
export const reportProjection: Projection = {
  name: 'reports',
  version: 1,
  topics: [TOPICS.credentials],
  handles: Object.keys(OPERATION_BY_EVENT_TYPE),
  dedupe: 'runner',
  async apply(events, ctx) {
    await upsertReportCounts(ctx.tx, aggregateReportEvents(events));
  },
};
