/** Week windows (Monday 00:00Z .. Sunday 23:59:59.999Z, clipped to the range) covering an inclusive date range. */
export function weeksOf(start: string, end: string): { label: string; startDate: string; endDate: string }[] {
  const out: { label: string; startDate: string; endDate: string }[] = [];
  const last = Date.parse(`${end}T00:00:00Z`);
  let d = Date.parse(`${start}T00:00:00Z`);
  while (d <= last && out.length < 60) {
    const dow = (new Date(d).getUTCDay() + 6) % 7; // Monday = 0
    const weekEnd = Math.min(d + (6 - dow) * 86400000, last);
    const label = new Date(d).toISOString().slice(0, 10);
    out.push({ label, startDate: `${label}T00:00:00.000Z`, endDate: `${new Date(weekEnd).toISOString().slice(0, 10)}T23:59:59.999Z` });
    d = weekEnd + 86400000;
  }
  return out;
}

export interface ActivityRecord {
  activityId: string;
  eventType: 'CREATED' | 'DELIVERED' | 'CLAIMED' | 'EXPIRED' | 'FAILED';
  timestamp: string;
}

/** Time to claim per issuance (claim time − earliest send), from the records of a list: issuances with both. */
export function timesToClaim(records: readonly ActivityRecord[]): number[] {
  const send = new Map<string, number>();
  const claim = new Map<string, number>();
  for (const r of records) {
    const t = Date.parse(r.timestamp);
    if (r.eventType === 'CREATED' || r.eventType === 'DELIVERED') send.set(r.activityId, Math.min(send.get(r.activityId) ?? Infinity, t));
    if (r.eventType === 'CLAIMED') claim.set(r.activityId, Math.min(claim.get(r.activityId) ?? Infinity, t));
  }
  const out: number[] = [];
  for (const [id, c] of claim) {
    const s = send.get(id);
    if (s !== undefined) out.push(Math.max(0, c - s));
  }
  return out.sort((a, b) => a - b);
}

/** Histogram buckets of durations (upper bounds in ms, last bucket open). */
export const TTC_BUCKETS: { label: string; maxMs: number }[] = [
  { label: '< 1 s', maxMs: 1000 },
  { label: '1–10 s', maxMs: 10000 },
  { label: '10–60 s', maxMs: 60000 },
  { label: '1–10 min', maxMs: 600000 },
  { label: '10–60 min', maxMs: 3600000 },
  { label: '1–24 h', maxMs: 86400000 },
  { label: '≥ 1 day', maxMs: Infinity },
];

export function histogram(durations: readonly number[]): number[] {
  const counts = TTC_BUCKETS.map(() => 0);
  for (const ms of durations) counts[TTC_BUCKETS.findIndex((b) => ms < b.maxMs)]++;
  return counts;
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3600000) return `${(ms / 60000).toFixed(1)} min`;
  if (ms < 86400000) return `${(ms / 3600000).toFixed(1)} h`;
  return `${(ms / 86400000).toFixed(1)} d`;
}
