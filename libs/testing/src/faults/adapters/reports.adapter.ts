import type { DataSource } from 'typeorm';
import { aggregateReportEvents, reportProjection, toCumulative } from '@cep/reports';
import type { ReadModelAdapter } from '../read-model-adapter';

/** One normalised row per non-empty 15-minute bucket: `day|operation|profile|type|bucket=count`. */
const rows = (day: string, op: string, profile: string, ct: string, cum: readonly (number | string)[]): string[] => {
  const out: string[] = [];
  let prev = 0;
  cum.forEach((c, i) => {
    const n = Number(c) - prev;
    prev = Number(c);
    if (n) out.push(`${day}|${op}|${profile}|${ct}|${i}=${n}`);
  });
  return out;
};

/**
 * Reports: an aggregate (cumulative 15-minute counts per day, operation, profile, credential type). The oracle
 * recounts all raw events in memory with the lib's pure aggregation (not its SQL upsert, not the runner's
 * dedupe); a double-applied event shows up as a count mismatch and in `duplicateEventIds` as surplus.
 */
export const reportsAdapter: ReadModelAdapter = {
  app: 'report-projector',
  projection: reportProjection,
  lockTable: 'reports.daily_counts',
  async readRows(ds: DataSource, org: string) {
    const stored: { day: string; operation: string; profile: string; credential_type: string; cum: string[] }[] = await ds.query(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, operation, profile, credential_type, cum::text[] AS cum FROM reports.daily_counts WHERE organisation_id = $1`,
      [org],
    );
    return stored.flatMap((r) => rows(r.day, r.operation, r.profile, r.credential_type, r.cum));
  },
  oracle(events) {
    return aggregateReportEvents(events).flatMap((r) => rows(r.day, r.operation, r.profile, r.credentialType, toCumulative(r.buckets)));
  },
  async duplicateEventIds(ds: DataSource, org: string, events) {
    // Events counted beyond the distinct ones sent (a double application); missing ones are reported apart.
    const [{ stored }] = await ds.query(`SELECT coalesce(sum(cum[96]), 0)::int AS stored FROM reports.daily_counts WHERE organisation_id = $1`, [org]);
    const expected = aggregateReportEvents(events).reduce((n, r) => n + r.buckets.reduce((a, b) => a + b, 0), 0);
    return Math.max(0, stored - expected);
  },
};
