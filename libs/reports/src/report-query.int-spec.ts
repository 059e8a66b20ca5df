import type { DataSource } from 'typeorm';
import { newOrgId, testDataSource } from '@cep/testing';
import {
  aggregateReportEvents,
  bruteForceReport,
  compareEntries,
  ReportError,
  ReportQueryService,
  reportEvent,
  upsertReportCounts,
  type ReportEntry,
  type ReportRequest,
  type ReportSourceEvent,
  REPORT_TEST_CREDENTIAL_TYPES as CTYPES,
  REPORT_TEST_EVENT_TYPES as TYPES,
  REPORT_TEST_PROFILES as PROFILES,
  seededRandom as prng,
} from './index';

const OFFSETS: [string, number][] = [
  ['+05:45', 345],
  ['-09:30', -570],
  ['+12:45', 765],
  ['Z', 0],
  ['+02:00', 120],
  ['-05:00', -300],
  ['+14:00', 840],
  ['-12:00', -720],
  ['+09:30', 570],
];
const ZONES = ['America/New_York', 'Europe/Berlin', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/Santiago', 'UTC'];

async function collectAll(svc: ReportQueryService, req: ReportRequest): Promise<{ entries: ReportEntry[]; pages: number }> {
  const entries: ReportEntry[] = [];
  let cursor: string | undefined;
  let pages = 0;
  for (;;) {
    const page = await svc.report({ ...req, cursor });
    pages++;
    entries.push(...page.data);
    if (!page.nextCursor) return { entries, pages };
    expect(page.data.length).toBe(req.limit ?? 1000);
    cursor = page.nextCursor;
  }
}

async function project(ds: DataSource, events: ReportSourceEvent[], batchSize: number): Promise<void> {
  for (let i = 0; i < events.length; i += batchSize) {
    await upsertReportCounts(ds, aggregateReportEvents(events.slice(i, i + batchSize)));
  }
}

describe('credential reports over the real read model (PostgreSQL)', () => {
  let ds: DataSource;
  let svc: ReportQueryService;

  beforeAll(async () => {
    ds = await testDataSource();
    svc = new ReportQueryService(ds, { cursorSecret: 'int-test-cursor-secret-0123456789abcdef' });
  });

  afterAll(async () => {
    await ds.destroy();
  });

  it('seed example: 2026-02-25T22:30:00Z counts on 2026-02-26 with +02:00 and on 2026-02-25 with -05:00', async () => {
    const org = newOrgId();
    await project(ds, [reportEvent({ organisationid: org, time: '2026-02-25T22:30:00Z', profile: 'mdoc', credentialType: 'org.iso.18013.5.1.mDL' })], 10);
    const base = { organisationId: org, startDate: '2026-02-01', endDate: '2026-02-28', profiles: ['cwt', 'mdoc'] };
    expect(await svc.report({ ...base, timezoneOffset: '+02:00' })).toEqual({
      data: [{ date: '2026-02-26', operation: 'issued', profile: 'mdoc', credentialType: 'org.iso.18013.5.1.mDL', count: 1 }],
    });
    expect(await svc.report({ ...base, timezoneOffset: '-05:00' })).toEqual({
      data: [{ date: '2026-02-25', operation: 'issued', profile: 'mdoc', credentialType: 'org.iso.18013.5.1.mDL', count: 1 }],
    });
    // Another organisation sees none of it.
    expect(await svc.report({ ...base, organisationId: newOrgId(), timezoneOffset: '+02:00' })).toEqual({ data: [] });
  });

  it('property: for random events, offsets and IANA zones (DST included), the report equals a brute-force count', async () => {
    const seed = Number(process.env.REPORTS_PROPERTY_SEED ?? Date.now() % 1_000_000);
    const rnd = prng(seed);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
    const org = newOrgId();
    const noise = newOrgId();
    const yearStart = Date.parse('2026-01-01T00:00:00Z');
    const hot = ['2026-03-08T07:00:00Z', '2026-11-01T06:00:00Z', '2026-03-29T01:00:00Z', '2026-10-25T01:00:00Z', '2026-04-05T15:00:00Z', '2026-09-06T04:00:00Z'].map(Date.parse);
    const randomTime = (): string => {
      const r = rnd();
      let ms: number;
      if (r < 0.45) ms = yearStart + Math.floor(rnd() * 365 * 86_400_000);
      else if (r < 0.85) ms = pick(hot) + Math.floor((rnd() - 0.5) * 3 * 86_400_000); // around DST changes
      else ms = yearStart + Math.floor(rnd() * 365 * 96) * 900_000; // exactly on a bucket boundary
      return new Date(ms).toISOString();
    };
    const events: ReportSourceEvent[] = [];
    for (let i = 0; i < 5000; i++) {
      events.push(reportEvent({ organisationid: rnd() < 0.9 ? org : noise, type: pick(TYPES), time: randomTime(), profile: pick(PROFILES), credentialType: pick(CTYPES) }));
    }
    await project(ds, events, 1 + Math.floor(rnd() * 700));

    for (let i = 0; i < 60; i++) {
      const useZone = rnd() < 0.5;
      const [offsetText, offsetMinutes] = pick(OFFSETS);
      const timeZone = pick(ZONES);
      const start = yearStart - 3 * 86_400_000 + Math.floor(rnd() * 368) * 86_400_000;
      const days = rnd() < 0.1 ? 366 : 1 + Math.floor(rnd() * 60);
      const startDate = new Date(start).toISOString().slice(0, 10);
      const endDate = new Date(start + (days - 1) * 86_400_000).toISOString().slice(0, 10);
      const profiles = PROFILES.filter(() => rnd() < 0.6);
      if (!profiles.length) profiles.push(pick(PROFILES));
      const limit = rnd() < 0.5 ? 1 + Math.floor(rnd() * 40) : undefined;
      const req: ReportRequest = { organisationId: org, startDate, endDate, profiles, limit, ...(useZone ? { timeZone } : { timezoneOffset: offsetText }) };
      const expected = bruteForceReport(events, { organisationId: org, zone: useZone ? { timeZone } : { offsetMinutes }, startDate, endDate, profiles });
      const { entries } = await collectAll(svc, req);
      if (JSON.stringify(entries) !== JSON.stringify(expected)) {
        throw new Error(`seed ${seed}, case ${i}: ${JSON.stringify(req)}\nexpected ${JSON.stringify(expected).slice(0, 2000)}\nactual   ${JSON.stringify(entries).slice(0, 2000)}`);
      }
    }
  });

  it('pages through more than 1,000 entries with small limits: every entry once, in order', async () => {
    const org = newOrgId();
    const events: ReportSourceEvent[] = [];
    const start = Date.parse('2025-06-01T00:00:00Z');
    for (let d = 0; d < 120; d++) {
      for (const profile of PROFILES) {
        for (const credentialType of CTYPES) {
          events.push(reportEvent({ organisationid: org, time: new Date(start + d * 86_400_000 + 12 * 3_600_000).toISOString(), profile, credentialType }));
        }
        events.push(reportEvent({ organisationid: org, type: 'credential.revoked', time: new Date(start + d * 86_400_000 + 3_600_000).toISOString(), profile }));
      }
    }
    await project(ds, events, 500);
    const req: ReportRequest = { organisationId: org, timezoneOffset: '+05:45', startDate: '2025-05-01', endDate: '2025-12-31', profiles: PROFILES, limit: 17 };
    const { entries, pages } = await collectAll(svc, req);
    expect(entries.length).toBe(120 * 12);
    expect(pages).toBe(Math.ceil(1440 / 17));
    expect(entries).toEqual([...entries].sort(compareEntries));
    expect(new Set(entries.map((e) => `${e.date}|${e.operation}|${e.profile}|${e.credentialType ?? ''}`)).size).toBe(entries.length);
    expect(entries).toEqual(bruteForceReport(events, { organisationId: org, zone: { offsetMinutes: 345 }, startDate: '2025-05-01', endDate: '2025-12-31', profiles: PROFILES }));
    // The default limit returns 1000 and a cursor; the rest follows.
    const first = await svc.report({ ...req, limit: undefined });
    expect(first.data.length).toBe(1000);
    expect(first.nextCursor).toBeDefined();
    const second = await svc.report({ ...req, limit: undefined, cursor: first.nextCursor });
    expect(second.data.length).toBe(440);
    expect(second.nextCursor).toBeUndefined();
    // A cursor of this query is refused by another query and another organisation.
    await expect(svc.report({ ...req, limit: undefined, cursor: first.nextCursor, profiles: ['mdoc'] })).rejects.toBeInstanceOf(ReportError);
    await expect(svc.report({ ...req, limit: undefined, cursor: first.nextCursor, organisationId: newOrgId() })).rejects.toBeInstanceOf(ReportError);
  });
});
