import { formatInTimeZone, fromZonedTime } from 'date-fns-tz';
import { BUCKET_MS, BUCKETS_PER_DAY, DAY_MS, REPORT_LIMITS } from './report.model';

/** The zone's offset on that date is not a multiple of 15 minutes (local mean time before ~1970 in some zones). */
export class UnalignedZoneError extends Error {
  constructor(readonly date: string) {
    super(`the zone's UTC offset on ${date} is not a multiple of 15 minutes`);
  }
}

/** The zone a report is computed in: a fixed ISO-8601 offset or an IANA name. */
export type ReportZone = { kind: 'offset'; minutes: number } | { kind: 'iana'; name: string };

const OFFSET_RE = /^(?:Z|([+-])(\d{2}):(\d{2}))$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses `+02:00`, `-05:00`, `+05:45`, `Z`; returns minutes east of UTC or an error message. */
export function parseOffset(s: string): { minutes: number } | { error: string } {
  const m = OFFSET_RE.exec(s);
  if (!m) return { error: 'timezoneOffset must be an ISO-8601 offset: Z or ±HH:MM (e.g. +02:00, -05:00, +05:45)' };
  if (!m[1]) return { minutes: 0 };
  const h = Number(m[2]);
  const min = Number(m[3]);
  if (min > 59) return { error: 'timezoneOffset minutes must be 00-59' };
  const total = h * 60 + min;
  if (total > REPORT_LIMITS.maxOffsetMinutes) return { error: 'timezoneOffset must be between -14:00 and +14:00' };
  if (min % 15 !== 0) return { error: 'timezoneOffset minutes must be 00, 15, 30 or 45 (every real-world offset is a multiple of 15 minutes)' };
  return { minutes: m[1] === '-' ? -total : total };
}

/** True for an IANA zone name the runtime knows (e.g. Europe/Berlin, Asia/Kathmandu, UTC). */
export function isIanaZone(name: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Epoch ms of UTC midnight of a calendar date, or null when the string is not a real YYYY-MM-DD date. */
export function parseCalendarDate(s: string): number | null {
  const m = DATE_RE.exec(s);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (y < 1970 || mo < 1 || mo > 12 || d < 1) return null;
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return ms;
}

export function isoDate(utcMidnightMs: number): string {
  return new Date(utcMidnightMs).toISOString().slice(0, 10);
}

/** The local calendar date of an instant in a zone. */
export function localDateOf(instantMs: number, zone: ReportZone): string {
  if (zone.kind === 'offset') return isoDate(Math.floor((instantMs + zone.minutes * 60_000) / DAY_MS) * DAY_MS);
  // Not date-fns-tz getTimezoneOffset: it is off by an hour in the hours before a DST change.
  return formatInTimeZone(instantMs, zone.name, 'yyyy-MM-dd');
}

/** Local-midnight instants per (zone, date): they never change for a given tzdata, so they are cached (bounded). */
const DAY_START_CACHE = new Map<string, number>();
const DAY_START_CACHE_MAX = 200_000;

/**
 * First instant (epoch ms) whose local date in the zone is `date` (`dateMs` = its UTC midnight).
 * Fixed offsets: local midnight minus the offset. IANA zones: date-fns-tz `fromZonedTime`, then moved in
 * 15-minute steps until it is exactly the first bucket of that local date (handles a midnight that falls
 * into a DST gap, e.g. zones that switch at 00:00).
 */
export function localDayStart(dateMs: number, zone: ReportZone): number {
  if (zone.kind === 'offset') return dateMs - zone.minutes * 60_000;
  const date = isoDate(dateMs);
  const cacheKey = `${zone.name}|${date}`;
  const cached = DAY_START_CACHE.get(cacheKey);
  if (cached !== undefined) return cached;
  let x = fromZonedTime(`${date}T00:00:00`, zone.name).getTime();
  if (x % BUCKET_MS !== 0) throw new UnalignedZoneError(date);
  for (let i = 0; i < 200 && localDateOf(x, zone) < date; i++) x += BUCKET_MS;
  for (let i = 0; i < 200 && localDateOf(x - BUCKET_MS, zone) >= date; i++) x -= BUCKET_MS;
  if (DAY_START_CACHE.size >= DAY_START_CACHE_MAX) DAY_START_CACHE.clear();
  DAY_START_CACHE.set(cacheKey, x);
  return x;
}

/**
 * A local date and the UTC interval [start, end) it covers, expressed against the read model:
 * the interval is Σ totals of UTC days in [dayA, dayB) − cum(dayA)[kA] + cum(dayB)[kB].
 */
export interface LocalDaySpan {
  date: string;
  startMs: number;
  endMs: number;
  dayA: string;
  kA: number;
  dayB: string;
  kB: number;
}

/** Spans of every local date in [startMs, endMs] (UTC-midnight ms of the calendar dates), most recent first. */
export function localDaySpans(startDateMs: number, endDateMs: number, zone: ReportZone): LocalDaySpan[] {
  const out: LocalDaySpan[] = [];
  let next = localDayStart(endDateMs + DAY_MS, zone);
  for (let d = endDateMs; d >= startDateMs; d -= DAY_MS) {
    const start = localDayStart(d, zone);
    const end = next;
    if (start % BUCKET_MS !== 0 || end % BUCKET_MS !== 0) throw new UnalignedZoneError(isoDate(d));
    const a = splitInstant(start, false);
    const b = splitInstant(end, true);
    out.push({ date: isoDate(d), startMs: start, endMs: end, dayA: a.day, kA: a.k, dayB: b.day, kB: b.k });
    next = start;
  }
  return out;
}

/** Instant → (UTC day, bucket index k with cum[k] = operations before it that day); an end at 00:00 becomes (previous day, 96). */
function splitInstant(ms: number, isEnd: boolean): { day: string; k: number } {
  let dayStart = Math.floor(ms / DAY_MS) * DAY_MS;
  let k = (ms - dayStart) / BUCKET_MS;
  if (isEnd && k === 0) {
    dayStart -= DAY_MS;
    k = BUCKETS_PER_DAY;
  }
  return { day: isoDate(dayStart), k };
}
