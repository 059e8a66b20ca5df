import {
  aggregateReportEvents,
  bruteForceReport,
  localDateOf,
  localDaySpans,
  parseCalendarDate,
  parseOffset,
  reportToCsv,
  ReportCursorCodec,
  ReportError,
  reportEvent,
  resolveReportRequest,
  toCumulative,
  type ReportRequest,
} from './index';

const SECRET = 'unit-test-secret-unit-test-secret-0123';
const ORG = '00000000-0000-4000-8000-00000000000a';

describe('report time zones', () => {
  it('seed example: 2026-02-25T22:30:00Z is 2026-02-26 at +02:00 and 2026-02-25 at -05:00', () => {
    const t = Date.parse('2026-02-25T22:30:00Z');
    expect(localDateOf(t, { kind: 'offset', minutes: 120 })).toBe('2026-02-26');
    expect(localDateOf(t, { kind: 'offset', minutes: -300 })).toBe('2026-02-25');
  });

  it('parses ISO offsets and rejects malformed or out-of-range ones', () => {
    expect(parseOffset('+02:00')).toEqual({ minutes: 120 });
    expect(parseOffset('-05:00')).toEqual({ minutes: -300 });
    expect(parseOffset('+05:45')).toEqual({ minutes: 345 });
    expect(parseOffset('-09:30')).toEqual({ minutes: -570 });
    expect(parseOffset('Z')).toEqual({ minutes: 0 });
    for (const bad of ['+25:00', '+02:7', '02:00', '+2:00', '+14:15', '+02:60', '+02:10', '', 'UTC', '+0200']) {
      expect(parseOffset(bad)).toHaveProperty('error');
    }
  });

  it('rejects impossible calendar dates', () => {
    expect(parseCalendarDate('2026-02-28')).not.toBeNull();
    expect(parseCalendarDate('2024-02-29')).not.toBeNull();
    for (const bad of ['2026-02-30', '2026-13-01', '2026-2-01', '26-02-01', '2025-02-29', '2026-02-00']) expect(parseCalendarDate(bad)).toBeNull();
  });

  it('IANA days are 23 and 25 hours across the New York DST changes', () => {
    const spans = localDaySpans(parseCalendarDate('2026-03-08')!, parseCalendarDate('2026-03-08')!, { kind: 'iana', name: 'America/New_York' });
    expect((spans[0].endMs - spans[0].startMs) / 3_600_000).toBe(23);
    const nov = localDaySpans(parseCalendarDate('2026-11-01')!, parseCalendarDate('2026-11-01')!, { kind: 'iana', name: 'America/New_York' });
    expect((nov[0].endMs - nov[0].startMs) / 3_600_000).toBe(25);
    expect(new Date(nov[0].startMs).toISOString()).toBe('2026-11-01T04:00:00.000Z');
  });

  it('a zone whose midnight falls in a DST gap starts the day at the first existing instant', () => {
    // America/Santiago springs forward at 24:00 -> 01:00 (2026-09-06).
    const [s] = localDaySpans(parseCalendarDate('2026-09-06')!, parseCalendarDate('2026-09-06')!, { kind: 'iana', name: 'America/Santiago' });
    expect(localDateOf(s.startMs, { kind: 'iana', name: 'America/Santiago' })).toBe('2026-09-06');
    expect(localDateOf(s.startMs - 1, { kind: 'iana', name: 'America/Santiago' })).toBe('2026-09-05');
    expect((s.endMs - s.startMs) / 3_600_000).toBe(23);
  });
});

describe('report projection (pure)', () => {
  it('given events of several keys, counts them per UTC day and 15-minute bucket', () => {
    const rows = aggregateReportEvents([
      reportEvent({ time: '2026-02-25T22:30:00Z' }),
      reportEvent({ time: '2026-02-25T22:44:59.999Z' }),
      reportEvent({ time: '2026-02-25T22:45:00Z' }),
      reportEvent({ time: '2026-02-26T00:00:00Z' }),
      reportEvent({ type: 'credential.revoked', time: '2026-02-25T01:00:00Z', profile: 'cwt', credentialType: 'VerifiedEmployee' }),
      reportEvent({ type: 'credential.suspended', time: '2026-02-25T01:10:00Z', profile: 'cwt' }),
      reportEvent({ type: 'credential.offered', time: '2026-02-25T01:10:00Z' }),
    ]);
    expect(rows.map((r) => [r.day, r.operation, r.profile, r.credentialType])).toEqual([
      ['2026-02-25', 'issued', 'mdoc', 'org.iso.18013.5.1.mDL'],
      ['2026-02-25', 'status_changed', 'cwt', ''],
      ['2026-02-26', 'issued', 'mdoc', 'org.iso.18013.5.1.mDL'],
    ]);
    expect(rows[0].buckets[90]).toBe(2);
    expect(rows[0].buckets[91]).toBe(1);
    expect(rows[1].buckets[4]).toBe(2);
    expect(rows[2].buckets[0]).toBe(1);
    expect(toCumulative(rows[0].buckets)[95]).toBe(3);
  });

  it('keeps organisations apart', () => {
    const rows = aggregateReportEvents([reportEvent({ organisationid: 'a' }), reportEvent({ organisationid: 'b' })]);
    expect(rows.map((r) => r.organisationId)).toEqual(['a', 'b']);
  });
});

describe('report request validation', () => {
  const codec = new ReportCursorCodec(SECRET);
  const base: ReportRequest = { organisationId: ORG, timezoneOffset: '+02:00', startDate: '2026-02-01', endDate: '2026-02-28', profiles: ['cwt', 'mdoc'] };
  const errorOf = (r: Partial<ReportRequest>) => {
    try {
      resolveReportRequest({ ...base, ...r } as ReportRequest, codec);
    } catch (err) {
      if (err instanceof ReportError) return err.details;
      throw err;
    }
    return null;
  };

  it('accepts the seed request', () => {
    expect(errorOf({})).toBeNull();
    expect(errorOf({ limit: 500 })).toBeNull();
  });

  it.each([
    [{ timezoneOffset: '+25:00' }, 'timezoneOffset'],
    [{ timezoneOffset: '+02:7' }, 'timezoneOffset'],
    [{ startDate: '2026-02-30' }, 'startDate'],
    [{ endDate: '2026-01-31' }, 'endDate'],
    [{ startDate: '2025-01-01', endDate: '2026-01-02' }, 'endDate'],
    [{ profiles: [] }, 'profiles'],
    [{ profiles: ['mdoc', 'pdf'] }, 'profiles'],
    [{ limit: 0 }, 'limit'],
    [{ limit: 10_001 }, 'limit'],
    [{ timezoneOffset: undefined }, 'timezoneOffset'],
    [{ timeZone: 'Europe/Berlin' }, 'timeZone'],
    [{ timezoneOffset: undefined, timeZone: 'Mars/Olympus' }, 'timeZone'],
    [{ cursor: 'b2Zmc2V0PTM=' }, 'cursor'],
  ])('rejects %j on %s', (r, param) => {
    const d = errorOf(r as Partial<ReportRequest>);
    expect(d).not.toBeNull();
    expect(d!.map((x) => x.param)).toContain(param);
    for (const x of d!) expect(Object.keys(x).sort()).toEqual(['location', 'msg', 'param', 'value']);
  });

  it('allows a 366-day range (a leap year) and IANA zones', () => {
    expect(errorOf({ startDate: '2024-01-01', endDate: '2024-12-31' })).toBeNull();
    expect(errorOf({ timezoneOffset: undefined, timeZone: 'Asia/Kathmandu' })).toBeNull();
  });

  it('binds cursors to the query and organisation, and detects tampering', () => {
    const q = resolveReportRequest(base, codec);
    const cursor = codec.encode(q.queryHash, { date: '2026-02-10', operation: 'issued', profile: 'mdoc', credentialType: 'x' });
    expect(errorOf({ cursor })).toBeNull();
    expect(errorOf({ cursor, organisationId: 'another-org' })).not.toBeNull();
    expect(errorOf({ cursor, endDate: '2026-02-27' })).not.toBeNull();
    expect(errorOf({ cursor, timezoneOffset: '+03:00' })).not.toBeNull();
    const [payload, mac] = cursor.split('.');
    const forged = Buffer.from(Buffer.from(payload, 'base64url').toString().replace('2026-02-10', '2026-02-20')).toString('base64url');
    expect(errorOf({ cursor: `${forged}.${mac}` })).not.toBeNull();
    expect(errorOf({ cursor: cursor.slice(0, -2) })).not.toBeNull();
    expect(new ReportCursorCodec(`${SECRET}x`).decode(q.queryHash, cursor)).toBeNull();
  });
});

describe('brute-force reference', () => {
  it('orders entries by date descending, then operation, profile, credential type', () => {
    const events = [
      reportEvent({ organisationid: ORG, time: '2026-02-25T10:00:00Z', profile: 'mdoc' }),
      reportEvent({ organisationid: ORG, time: '2026-02-26T10:00:00Z', profile: 'cwt', credentialType: 'VerifiedEmployee' }),
      reportEvent({ organisationid: ORG, type: 'credential.revoked', time: '2026-02-25T10:00:00Z', profile: 'cwt' }),
    ];
    const r = bruteForceReport(events, { organisationId: ORG, zone: { offsetMinutes: 0 }, startDate: '2026-02-01', endDate: '2026-02-28', profiles: ['cwt', 'mdoc'] });
    expect(r).toEqual([
      { date: '2026-02-26', operation: 'issued', profile: 'cwt', credentialType: 'VerifiedEmployee', count: 1 },
      { date: '2026-02-25', operation: 'issued', profile: 'mdoc', credentialType: 'org.iso.18013.5.1.mDL', count: 1 },
      { date: '2026-02-25', operation: 'status_changed', profile: 'cwt', count: 1 },
    ]);
  });
});

describe('CSV', () => {
  it('writes the header, omits credentialType when absent, quotes and neutralises formulas', () => {
    const csv = reportToCsv([
      { date: '2026-02-26', operation: 'issued', profile: 'cwt', credentialType: 'VerifiedEmployee', count: 12 },
      { date: '2026-02-25', operation: 'issued', profile: 'mdoc', credentialType: '=HYPERLINK("x")', count: 1 },
      { date: '2026-02-25', operation: 'status_changed', profile: 'cwt', count: 2 },
    ]);
    expect(csv).toBe(
      'date,operation,profile,credentialType,count\r\n2026-02-26,issued,cwt,VerifiedEmployee,12\r\n2026-02-25,issued,mdoc,"\'=HYPERLINK(""x"")",1\r\n2026-02-25,status_changed,cwt,,2\r\n',
    );
  });
});
