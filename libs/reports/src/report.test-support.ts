import { randomUUID } from 'crypto';
import type { ReportSourceEvent } from './report.projection';
import type { ReportEntry } from './report.model';
import { OPERATION_BY_EVENT_TYPE, reportedCredentialType } from './report.model';

/** Test builder: a credential event as the report projection sees it. */
export function reportEvent(over: Partial<ReportSourceEvent> & { profile?: string; credentialType?: string } = {}): ReportSourceEvent & { id: string } {
  return {
    id: randomUUID(),
    type: over.type ?? 'credential.accepted',
    time: over.time ?? '2026-02-25T22:30:00.000Z',
    organisationid: over.organisationid ?? '00000000-0000-4000-8000-000000000001',
    data: over.data ?? { profile: over.profile ?? 'mdoc', credentialType: over.credentialType ?? 'org.iso.18013.5.1.mDL' },
  };
}

/** Deterministic PRNG (mulberry32) for property tests: a failing case is replayed from its printed seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The event mix of the report property tests: accepted twice as often, plus one type the reports do not count. */
export const REPORT_TEST_EVENT_TYPES = ['credential.accepted', 'credential.accepted', 'credential.revoked', 'credential.suspended', 'credential.reactivated', 'credential.offered'];
export const REPORT_TEST_PROFILES = ['mdoc', 'cwt', 'sd-jwt-vc'];
export const REPORT_TEST_CREDENTIAL_TYPES = ['org.iso.18013.5.1.mDL', 'VerifiedEmployee', 'eu.europa.ec.eudi.pid.1'];

const FORMATTERS = new Map<string, Intl.DateTimeFormat>();

/** Local date of an instant, computed independently of the implementation (Intl, or plain offset arithmetic). */
export function bruteLocalDate(ms: number, zone: { offsetMinutes: number } | { timeZone: string }): string {
  if ('offsetMinutes' in zone) return new Date(ms + zone.offsetMinutes * 60_000).toISOString().slice(0, 10);
  let fmt = FORMATTERS.get(zone.timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-CA', { timeZone: zone.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    FORMATTERS.set(zone.timeZone, fmt);
  }
  const parts = fmt.formatToParts(ms);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** The report computed by brute force over raw events, in the API's order. */
export function bruteForceReport(
  events: readonly ReportSourceEvent[],
  q: { organisationId: string; zone: { offsetMinutes: number } | { timeZone: string }; startDate: string; endDate: string; profiles: readonly string[] },
): ReportEntry[] {
  const counts = new Map<string, ReportEntry>();
  for (const e of events) {
    const op = OPERATION_BY_EVENT_TYPE[e.type];
    const d = e.data as { profile: string; credentialType: string };
    if (!op || e.organisationid !== q.organisationId || !q.profiles.includes(d.profile)) continue;
    const date = bruteLocalDate(Date.parse(e.time), q.zone);
    if (date < q.startDate || date > q.endDate) continue;
    const ct = reportedCredentialType(op, d.credentialType);
    const k = `${date}|${op}|${d.profile}|${ct}`;
    const cur = counts.get(k) ?? { date, operation: op, profile: d.profile, ...(ct ? { credentialType: ct } : {}), count: 0 };
    cur.count++;
    counts.set(k, cur);
  }
  return [...counts.values()].sort(compareEntries);
}

export function compareEntries(a: ReportEntry, b: ReportEntry): number {
  const c = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return c(b.date, a.date) || c(a.operation, b.operation) || c(a.profile, b.profile) || c(a.credentialType ?? '', b.credentialType ?? '');
}
