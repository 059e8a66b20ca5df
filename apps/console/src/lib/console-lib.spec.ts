import { histogram, timesToClaim, weeksOf } from './activity-stats';
import { joinCsvPages, toCsv } from './csv';
import { codeChallenge } from './pkce';
import { datesBetween, rangeDays, reportSeries, zoneField } from './report-series';
import { SseParser } from './sse';

describe('console: report series', () => {
  it('one series per operation × profile (× type for issued), every date of the range, counts where the API put them', () => {
    const { dates, series } = reportSeries(
      [
        { date: '2026-03-29', operation: 'issued', profile: 'cwt', credentialType: 'A', count: 3 },
        { date: '2026-03-27', operation: 'issued', profile: 'cwt', credentialType: 'A', count: 1 },
        { date: '2026-03-29', operation: 'status_changed', profile: 'mdoc', count: 2 },
      ],
      '2026-03-27',
      '2026-03-30',
    );
    expect(dates).toEqual(['2026-03-27', '2026-03-28', '2026-03-29', '2026-03-30']);
    expect(series).toEqual([
      { name: 'issued · cwt · A', stack: 'issued', data: [1, 0, 3, 0] },
      { name: 'status changed · mdoc', stack: 'status_changed', data: [0, 0, 2, 0] },
    ]);
  });

  it('date ranges, the 366-day maximum (leap year) and the zone field', () => {
    expect(datesBetween('2024-01-01', '2024-12-31')).toHaveLength(366);
    expect(rangeDays('2024-01-01', '2024-12-31')).toBe(366);
    expect(zoneField('+05:45')).toEqual({ timezoneOffset: '+05:45' });
    expect(zoneField('Z')).toEqual({ timezoneOffset: 'Z' });
    expect(zoneField('America/New_York')).toEqual({ timeZone: 'America/New_York' });
  });
});

describe('console: CSV', () => {
  it('quotes like RFC 4180 with CRLF and neutralises formulas', () => {
    expect(toCsv(['a', 'b'], [['x,y', '=1+1'], [null, 'q"q']])).toBe('a,b\r\n"x,y",\'=1+1\r\n,"q""q"\r\n');
  });
  it('joins pages without repeating the header', () => {
    expect(joinCsvPages(['h\r\n1\r\n', 'h\r\n2\r\n'])).toBe('h\r\n1\r\n2\r\n');
  });
});

describe('console: activity', () => {
  it('weeks are Monday-based and clipped to the range', () => {
    expect(weeksOf('2026-03-04', '2026-03-16').map((w) => [w.startDate.slice(0, 10), w.endDate.slice(0, 10)])).toEqual([
      ['2026-03-04', '2026-03-08'],
      ['2026-03-09', '2026-03-15'],
      ['2026-03-16', '2026-03-16'],
    ]);
  });
  it('time to claim = claim − earliest send, only for issuances with both; histogram buckets', () => {
    const t = (s: number) => new Date(Date.UTC(2026, 0, 1) + s * 1000).toISOString();
    const d = timesToClaim([
      { activityId: 'a', eventType: 'CREATED', timestamp: t(0) },
      { activityId: 'a', eventType: 'DELIVERED', timestamp: t(5) },
      { activityId: 'a', eventType: 'CLAIMED', timestamp: t(30) },
      { activityId: 'b', eventType: 'CLAIMED', timestamp: t(30) },
      { activityId: 'c', eventType: 'DELIVERED', timestamp: t(0) },
      { activityId: 'c', eventType: 'CLAIMED', timestamp: t(0.5) },
    ]);
    expect(d).toEqual([500, 30000]);
    expect(histogram(d)).toEqual([1, 0, 1, 0, 0, 0, 0]);
  });
});

describe('console: PKCE and SSE', () => {
  it('S256 challenge of the RFC 7636 example verifier', async () => {
    expect(await codeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });
  it('parses events split across chunks, skips comments, keeps ids', () => {
    const p = new SseParser();
    expect(p.push('retry: 2000\n: stream open\n\nid: 1\nda')).toEqual([]);
    expect(p.push('ta: {"a":1}\n\n: ping\n\nid: 2\r\ndata: x\r\n\r\n')).toEqual([
      { id: '1', data: '{"a":1}' },
      { id: '2', data: 'x' },
    ]);
  });
});
