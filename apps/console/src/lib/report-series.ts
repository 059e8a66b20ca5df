/** One entry of the credential report API (`CredentialReportEntryDto`). */
export interface ReportEntry {
  date: string;
  operation: 'issued' | 'status_changed';
  profile: string;
  credentialType?: string;
  count: number;
}

export interface ReportSeries {
  name: string;
  /** the stack it belongs to: one per operation, so issued and status-changed stand side by side per day */
  stack: 'issued' | 'status_changed';
  /** one count per date of `dates` (0 where the API has no entry) */
  data: number[];
}

/** The series name of an entry: issued per profile and credential type; status changes per profile (the API omits the type). */
export function seriesName(e: ReportEntry): string {
  return e.operation === 'issued' ? `issued · ${e.profile} · ${e.credentialType ?? '–'}` : `status changed · ${e.profile}`;
}

/**
 * Chart data from the API's entries, as they came: the x axis is the API's local dates (every date of the
 * requested range, oldest first, so days without events show as gaps of zero), one series per operation ×
 * profile (× credential type for issued). Dates are never recomputed here: DST days are whatever the API says.
 */
export function reportSeries(entries: readonly ReportEntry[], startDate: string, endDate: string): { dates: string[]; series: ReportSeries[] } {
  const dates = datesBetween(startDate, endDate);
  const index = new Map(dates.map((d, i) => [d, i]));
  const byName = new Map<string, ReportSeries>();
  for (const e of entries) {
    const name = seriesName(e);
    let s = byName.get(name);
    if (!s) {
      s = { name, stack: e.operation, data: new Array(dates.length).fill(0) };
      byName.set(name, s);
    }
    const i = index.get(e.date);
    if (i !== undefined) s.data[i] += e.count;
  }
  const series = [...byName.values()].sort((a, b) => (a.stack === b.stack ? (a.name < b.name ? -1 : 1) : a.stack === 'issued' ? -1 : 1));
  return { dates, series };
}

/** Calendar dates from `start` to `end` inclusive (YYYY-MM-DD; calendar arithmetic, no time zone involved). */
export function datesBetween(start: string, end: string): string[] {
  const out: string[] = [];
  const d = new Date(`${start}T00:00:00Z`);
  const last = new Date(`${end}T00:00:00Z`).getTime();
  for (let n = 0; d.getTime() <= last && n < 4000; n++) {
    out.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}

/** Days in an inclusive date range (the API allows at most {@link REPORT_MAX_DAYS}). */
export function rangeDays(start: string, end: string): number {
  return Math.round((Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / 86400000) + 1;
}

export const REPORT_MAX_DAYS = 366;
export const REPORT_PROFILES = ['mdoc', 'cwt', 'sd-jwt-vc', 'jwt-vc', 'ldp-vc'] as const;

/** Fixed offsets the API accepts that are in real-world use (multiples of 15 minutes from -12:00 to +14:00). */
export const FIXED_OFFSETS = [
  '-12:00', '-11:00', '-10:00', '-09:30', '-09:00', '-08:00', '-07:00', '-06:00', '-05:00', '-04:00', '-03:30', '-03:00', '-02:00', '-01:00',
  'Z', '+01:00', '+02:00', '+03:00', '+03:30', '+04:00', '+04:30', '+05:00', '+05:30', '+05:45', '+06:00', '+06:30', '+07:00', '+08:00',
  '+08:45', '+09:00', '+09:30', '+10:00', '+10:30', '+11:00', '+12:00', '+12:45', '+13:00', '+14:00',
];

/** A time-zone choice: a fixed offset (`Z`, `±HH:MM`) or an IANA name; the request field it goes to. */
export function zoneField(tz: string): { timezoneOffset: string } | { timeZone: string } {
  return tz === 'Z' || /^[+-]\d{2}:\d{2}$/.test(tz) ? { timezoneOffset: tz } : { timeZone: tz };
}
