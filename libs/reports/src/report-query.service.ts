import { ReportCursorCodec, type ReportCursorPosition } from './report-cursor';
import { ReportError, type ReportErrorDetail } from './report.errors';
import { REPORT_LIMITS, REPORT_PROFILES, type ReportEntry, type ReportOperation, type ReportPage } from './report.model';
import type { SqlRunner } from './report.projection';
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

/**
 * Answers a report from `reports.daily_counts`. Each local date's UTC interval [a, b) is computed in
 * the application (fixed offset or IANA rules via date-fns-tz) and sent as (dayA, kA, dayB, kB); SQL joins
 * every local date to the UTC-day rows it touches (two or three) and takes
 *   Σ_{dayA ≤ day < dayB} cum[96]  −  cum_dayA[kA]  +  cum_dayB[kB]
 * with `cum[k]` = operations before k*15min that UTC day (cum[0] = 0). A 365-day report reads about
 * 370 rows per (operation, profile, credential type), whatever the number of events.
 */
export class ReportQueryService {
  private readonly codec: ReportCursorCodec;

  constructor(
    private readonly db: SqlRunner,
    opts: { cursorSecret: string },
  ) {
    this.codec = new ReportCursorCodec(opts.cursorSecret);
  }

  resolve(req: ReportRequest): ResolvedReportQuery {
    return resolveReportRequest(req, this.codec);
  }

  async report(req: ReportRequest): Promise<ReportPage> {
    return this.run(this.resolve(req));
  }

  async run(q: ResolvedReportQuery): Promise<ReportPage> {
    const spans = q.after ? q.spans.filter((s) => s.date <= q.after!.date) : q.spans;
    if (!spans.length) return { data: [] };
    const rows: { local_date: string; operation: string; profile: string; credential_type: string; count: string }[] = await this.db.query(
      `WITH l AS (
         SELECT * FROM unnest($2::date[], $3::date[], $4::int[], $5::date[], $6::int[]) AS l(local_date, day_a, k_a, day_b, k_b)
       ), agg AS (
         SELECT to_char(l.local_date, 'YYYY-MM-DD') AS local_date, r.operation, r.profile, r.credential_type,
           sum(CASE WHEN r.day < l.day_b THEN r.cum[96] ELSE 0 END
             - CASE WHEN r.day = l.day_a THEN coalesce(r.cum[l.k_a], 0) ELSE 0 END
             + CASE WHEN r.day = l.day_b THEN coalesce(r.cum[l.k_b], 0) ELSE 0 END) AS count
         FROM l JOIN reports.daily_counts r
           ON r.organisation_id = $1 AND r.day >= l.day_a AND r.day <= l.day_b AND r.profile = ANY($7::text[])
         GROUP BY l.local_date, r.operation, r.profile, r.credential_type
       )
       SELECT local_date, operation, profile, credential_type, count::text AS count FROM agg
       WHERE count > 0
         AND ($8::text IS NULL OR local_date < $8::text
              OR (local_date = $8::text AND (operation, profile, credential_type) > ($9::text COLLATE "C", $10::text COLLATE "C", $11::text COLLATE "C")))
       ORDER BY local_date DESC, operation, profile, credential_type
       LIMIT $12`,
      [
        q.organisationId,
        spans.map((s) => s.date),
        spans.map((s) => s.dayA),
        spans.map((s) => s.kA),
        spans.map((s) => s.dayB),
        spans.map((s) => s.kB),
        q.profiles,
        q.after?.date ?? null,
        q.after?.operation ?? null,
        q.after?.profile ?? null,
        q.after?.credentialType ?? null,
        q.limit + 1,
      ],
    );
    const more = rows.length > q.limit;
    const page = more ? rows.slice(0, q.limit) : rows;
    const data: ReportEntry[] = page.map((r) => ({
      date: r.local_date,
      operation: r.operation as ReportOperation,
      profile: r.profile,
      ...(r.credential_type ? { credentialType: r.credential_type } : {}),
      count: Number(r.count),
    }));
    if (!more) return { data };
    const last = page[page.length - 1];
    return {
      data,
      nextCursor: this.codec.encode(q.queryHash, { date: last.local_date, operation: last.operation, profile: last.profile, credentialType: last.credential_type }),
    };
  }
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

