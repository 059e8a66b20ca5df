import { ReportCursorCodec, type ReportCursorPosition } from './report-cursor';
import { ReportError, type ReportErrorDetail } from './report.errors';
import { REPORT_LIMITS, REPORT_PROFILES, type ReportEntry, type ReportOperation, type ReportPage } from './report.model';
import type { DataSource } from 'typeorm';
import { TenantDatabase } from '@cep/platform';
import {
  isIanaZone,
  isoDate,
  localDaySpans,
  parseCalendarDate,
  parseOffset,
  UnalignedZoneError,
  type LocalDaySpan,
  type ReportZone,
} from './report-time';

/** A report request as the API receives it (seed field names). */
export interface ReportRequest {
  organisationId: string;
  timezoneOffset?: string;
  /** IANA alternative to timezoneOffset (exactly one of the two). */
  timeZone?: string;
  startDate: string;
  endDate: string;
  profiles: string[];
  limit?: number;
  cursor?: string;
}

export interface ResolvedReportQuery {
  organisationId: string;
  zone: ReportZone;
  startDate: string;
  endDate: string;
  spans: LocalDaySpan[];
  profiles: string[];
  limit: number;
  after: ReportCursorPosition | null;
  queryHash: string;
}

const DAY_MS = 86_400_000;

/**
 * Validates and resolves a request: every problem is reported at once as a field detail
 * (`{value, msg, param, location}`), thrown as one ReportError.
 */
export function resolveReportRequest(req: ReportRequest, codec: ReportCursorCodec): ResolvedReportQuery {
  const details: ReportErrorDetail[] = [];
  const bad = (param: string, value: unknown, msg: string) => details.push({ value: value === undefined ? null : value, msg, param, location: 'body' });

  let zone: ReportZone | null = null;
  const hasOffset = req.timezoneOffset !== undefined && req.timezoneOffset !== null;
  const hasZone = req.timeZone !== undefined && req.timeZone !== null;
  if (hasOffset === hasZone) {
    bad(hasOffset ? 'timeZone' : 'timezoneOffset', hasOffset ? req.timeZone : req.timezoneOffset, 'exactly one of timezoneOffset and timeZone is required');
  } else if (hasOffset) {
    const r = parseOffset(String(req.timezoneOffset));
    if ('error' in r) bad('timezoneOffset', req.timezoneOffset, r.error);
    else zone = { kind: 'offset', minutes: r.minutes };
  } else if (!isIanaZone(String(req.timeZone))) {
    bad('timeZone', req.timeZone, 'timeZone must be an IANA time zone name (e.g. Europe/Berlin, Asia/Kathmandu)');
  } else {
    zone = { kind: 'iana', name: String(req.timeZone) };
  }

  const startMs = parseCalendarDate(String(req.startDate));
  const endMs = parseCalendarDate(String(req.endDate));
  if (startMs === null) bad('startDate', req.startDate, 'startDate must be a calendar date YYYY-MM-DD (1970 or later)');
  if (endMs === null) bad('endDate', req.endDate, 'endDate must be a calendar date YYYY-MM-DD (1970 or later)');
  if (startMs !== null && endMs !== null) {
    if (endMs < startMs) bad('endDate', req.endDate, 'endDate must not be before startDate');
    else if ((endMs - startMs) / DAY_MS + 1 > REPORT_LIMITS.maxRangeDays) {
      bad('endDate', req.endDate, `the range from startDate to endDate must be at most ${REPORT_LIMITS.maxRangeDays} days`);
    }
  }

  const profiles = Array.isArray(req.profiles) ? req.profiles : [];
  if (!profiles.length) bad('profiles', req.profiles ?? null, `profiles must be a non-empty subset of: ${REPORT_PROFILES.join(', ')}`);
  for (const p of profiles) {
    if (!(REPORT_PROFILES as readonly string[]).includes(p)) bad('profiles', p, `unknown profile; supported: ${REPORT_PROFILES.join(', ')}`);
  }

  const limit = req.limit ?? REPORT_LIMITS.defaultLimit;
  if (!Number.isInteger(limit) || limit < 1 || limit > REPORT_LIMITS.maxLimit) {
    bad('limit', req.limit, `limit must be an integer from 1 to ${REPORT_LIMITS.maxLimit}`);
  }

  let spans: LocalDaySpan[] = [];
  if (!details.length && zone) {
    try {
      spans = localDaySpans(startMs!, endMs!, zone);
    } catch (err) {
      if (!(err instanceof UnalignedZoneError)) throw err;
      bad('timeZone', req.timeZone, `${err.message}; reports need 15-minute aligned offsets`);
    }
  }
  const uniqueProfiles = [...new Set(profiles)].sort();
  const zoneLabel = zone ? (zone.kind === 'offset' ? `offset:${zone.minutes}` : `iana:${zone.name}`) : '';
  const queryHash = ReportCursorCodec.queryHash([req.organisationId, zoneLabel, String(req.startDate), String(req.endDate), ...uniqueProfiles]);

  let after: ReportCursorPosition | null = null;
  if (req.cursor !== undefined && req.cursor !== null && !details.length) {
    after = codec.decode(queryHash, String(req.cursor));
    if (!after) bad('cursor', req.cursor, 'cursor is invalid, was modified, or belongs to another query');
  }
  if (details.length) throw new ReportError(details);
  return {
    organisationId: req.organisationId,
    zone: zone!,
    startDate: isoDate(startMs!),
    endDate: isoDate(endMs!),
    spans,
    profiles: uniqueProfiles,
    limit,
    after,
    queryHash,
  };
}

interface SeriesRow {
  operation: string;
  profile: string;
  credential_type: string;
  /** UTC day indexes (from the first day read), and per day: total, cum[k1], cum[k2], cum[k3]. */
  i: number[];
  total: number[];
  c1: number[] | null;
  c2: number[] | null;
  c3: number[] | null;
}

/** Sums of one (operation, profile, credential type) per UTC day: the day total and cum[k] for the ks asked. */
interface SeriesDay {
  total: number;
  at: Map<number, number>;
}

const MAX_KS_PER_DAY = 3;

/**
 * Answers a report from `reports.daily_counts`. Each local date's UTC interval [a, b) is computed in the
 * application (fixed offset, or IANA rules via date-fns-tz) as (dayA, kA, dayB, kB), so that
 *   count(local date) = Σ_{dayA ≤ day < dayB} cum[96]  −  cum_dayA[kA]  +  cum_dayB[kB]
 * with `cum[k]` = operations before k*15min that UTC day (cum[0] = 0). One index range scan reads, per
 * UTC day row, only the day total and the one to three `cum[k]` where a local midnight falls that day; the
 * service then assembles local days, sorts, and applies the cursor and limit. A 365-day report reads about
 * 367 small rows per (operation, profile, credential type), whatever the number of events.
 */
export class ReportQueryService {
  private readonly codec: ReportCursorCodec;
  private readonly db: TenantDatabase;

  /** Every read runs on a tenant session pointed at the caller's organisation (TenantDatabase.run: RLS); a bare DataSource gets the defaults. */
  constructor(db: TenantDatabase | DataSource, opts: { cursorSecret: string }) {
    this.db = TenantDatabase.of(db);
    this.codec = new ReportCursorCodec(opts.cursorSecret);
  }

  resolve(req: ReportRequest): ResolvedReportQuery {
    return resolveReportRequest(req, this.codec);
  }

  async report(req: ReportRequest): Promise<ReportPage> {
    return this.run(this.resolve(req));
  }

  async run(q: ResolvedReportQuery): Promise<ReportPage> {
    const after = q.after;
    const spans = after ? q.spans.filter((s) => s.date <= after.date) : q.spans;
    if (!spans.length) return { data: [] };

    // UTC days touched, and the bucket indexes k (1..95) whose cum[k] is needed on each.
    const firstDay = Math.min(...spans.map((s) => dayNumber(s.dayA)));
    const lastDay = Math.max(...spans.map((s) => dayNumber(s.dayB)));
    const n = lastDay - firstDay + 1;
    const ks: number[][] = Array.from({ length: MAX_KS_PER_DAY }, () => new Array<number>(n).fill(0));
    const addK = (day: string, k: number) => {
      if (k <= 0 || k >= 96) return; // cum[0] = 0, cum[96] = total
      const i = dayNumber(day) - firstDay;
      for (const col of ks) {
        if (col[i] === k) return;
        if (col[i] === 0) {
          col[i] = k;
          return;
        }
      }
      throw new Error(`more than ${MAX_KS_PER_DAY} local midnights on UTC day ${day}`);
    };
    for (const s of spans) {
      addK(s.dayA, s.kA);
      addK(s.dayB, s.kB);
    }

    // Only the k columns some day needs (none for Z, one for fixed offsets, two or three on some DST days).
    const params: unknown[] = [q.organisationId, isoDate(firstDay * DAY_MS), isoDate(lastDay * DAY_MS), q.profiles];
    const kColumns = ks
      .map((col, c) => {
        if (!col.some((k) => k > 0)) return `NULL::float8[] AS c${c + 1}`;
        params.push(col);
        return `array_agg(coalesce(r.cum[($${params.length}::int[])[r.day - $2::date + 1]], 0)::float8) AS c${c + 1}`;
      })
      .join(',\n         ');
    // One row per series, its days as parallel arrays (far cheaper to ship and parse than a row per day).
    const rows: SeriesRow[] = await this.db.run(q.organisationId, (db) =>
      db.query(
        `SELECT r.operation, r.profile, r.credential_type,
         array_agg(r.day - $2::date) AS i,
         array_agg(r.cum[96]::float8) AS total,
         ${kColumns}
       FROM reports.daily_counts r
       WHERE r.organisation_id = $1 AND r.day >= $2::date AND r.day <= $3::date AND r.profile = ANY($4::text[])
       GROUP BY r.operation, r.profile, r.credential_type`,
        params,
      ),
    );

    // One series per (operation, profile, credential type): UTC day index -> total and cum[k].
    const series: { operation: string; profile: string; credentialType: string; days: (SeriesDay | undefined)[] }[] = [];
    for (const r of rows) {
      const days = new Array<SeriesDay | undefined>(n);
      const cs = [r.c1, r.c2, r.c3];
      for (let j = 0; j < r.i.length; j++) {
        const i = r.i[j];
        const at = new Map<number, number>();
        for (let c = 0; c < MAX_KS_PER_DAY; c++) if (ks[c][i]) at.set(ks[c][i], cs[c]![j]);
        days[i] = { total: r.total[j], at };
      }
      series.push({ operation: r.operation, profile: r.profile, credentialType: r.credential_type, days });
    }
    const cumAt = (d: SeriesDay | undefined, k: number) => (!d || k <= 0 ? 0 : k >= 96 ? d.total : d.at.get(k)!);

    const entries: ReportEntry[] = [];
    for (const span of spans) {
      const a = dayNumber(span.dayA) - firstDay;
      const b = dayNumber(span.dayB) - firstDay;
      for (const s of series) {
        let count = 0;
        for (let d = a; d < b; d++) count += s.days[d]?.total ?? 0;
        count += cumAt(s.days[b], span.kB) - cumAt(s.days[a], span.kA);
        if (count > 0) {
          entries.push({
            date: span.date,
            operation: s.operation as ReportOperation,
            profile: s.profile,
            ...(s.credentialType ? { credentialType: s.credentialType } : {}),
            count,
          });
        }
      }
    }
    entries.sort(compareReportEntries);
    let start = 0;
    if (after) {
      const pos: ReportEntry = { date: after.date, operation: after.operation as ReportOperation, profile: after.profile, credentialType: after.credentialType, count: 0 };
      while (start < entries.length && compareReportEntries(entries[start], pos) <= 0) start++;
    }
    const data = entries.slice(start, start + q.limit);
    if (start + q.limit >= entries.length) return { data };
    const last = data[data.length - 1];
    return {
      data,
      nextCursor: this.codec.encode(q.queryHash, { date: last.date, operation: last.operation, profile: last.profile, credentialType: last.credentialType ?? '' }),
    };
  }
}

/** The API order: most recent date first, then operation, profile and credential type (code-unit order). */
export function compareReportEntries(a: ReportEntry, b: ReportEntry): number {
  const c = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return c(b.date, a.date) || c(a.operation, b.operation) || c(a.profile, b.profile) || c(a.credentialType ?? '', b.credentialType ?? '');
}

function dayNumber(isoDay: string): number {
  return Date.parse(`${isoDay}T00:00:00Z`) / DAY_MS;
}

/** CSV of a report page: header `date,operation,profile,credentialType,count` (RFC 4180 quoting). */
export function reportToCsv(data: readonly ReportEntry[]): string {
  // Quote per RFC 4180; a leading = + - @ is neutralised so spreadsheets never evaluate a value as a formula.
  const esc = (raw: string) => {
    const v = /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
    return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
  };
  const lines = ['date,operation,profile,credentialType,count'];
  for (const e of data) lines.push([e.date, e.operation, e.profile, e.credentialType ?? '', String(e.count)].map(esc).join(','));
  return lines.join('\r\n') + '\r\n';
}

