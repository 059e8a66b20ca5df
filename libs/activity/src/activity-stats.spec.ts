import { statsDeltas, type ActivityStatsRow } from './activity.projection';
import { percentileFromHistogram, ttcBucketBounds } from './activity-query.service';

const row = (over: Partial<ActivityStatsRow> = {}): ActivityStatsRow => ({
  activity_id: 'a1',
  organisation_id: 'org',
  latest_event_type: 'CREATED',
  boost_uri: 'boost:1',
  integration_id: 'int-1',
  day: '2026-03-01',
  event_count: 1,
  ttc_bucket: null,
  ...over,
});

/** percentile_cont over exact values, as PostgreSQL computes it. */
function percentileCont(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  const r = p * (s.length - 1);
  const k = Math.floor(r);
  return k + 1 < s.length ? s[k] + (r - k) * (s[k + 1] - s[k]) : s[k];
}

/** The SQL bucket function `activity.ttc_bucket`, for building test histograms. */
const bucketOf = (ms: number) => (ms < 1000 ? 0 : 1 + Math.floor(8 * Math.log2(ms / 1000)));

describe('activity stats counters (pure)', () => {
  it('given a new issuance, when counted, then +1 in its state at the four grains, with its events', () => {
    const d = statsDeltas([], [row({ event_count: 2 })]);
    expect(d.counters).toHaveLength(4);
    expect(d.counters.map((c) => [c.grain, c.boostUri, c.integrationId])).toEqual([
      [0, null, null],
      [1, 'boost:1', null],
      [2, null, 'int-1'],
      [3, 'boost:1', 'int-1'],
    ]);
    for (const c of d.counters) expect(c).toMatchObject({ total: 1, events: 2, created: 1, claimed: 0, ttcCount: 0 });
    expect(d.histogram).toEqual([]);
  });

  it('given CREATED becoming CLAIMED, when counted, then created −1, claimed +1, total unchanged, one histogram bucket +1', () => {
    const d = statsDeltas([row()], [row({ latest_event_type: 'CLAIMED', event_count: 2, ttc_bucket: 40 })]);
    for (const c of d.counters) expect(c).toMatchObject({ total: 0, events: 1, created: -1, claimed: 1, ttcCount: 1 });
    // daily grains 0..3 and their monthly roll-ups 4..7 (day = the 1st of the month)
    expect(d.histogram.map((h) => [h.grain, h.day, h.bucket, h.n])).toEqual([
      [0, '2026-03-01', 40, 1],
      [1, '2026-03-01', 40, 1],
      [2, '2026-03-01', 40, 1],
      [3, '2026-03-01', 40, 1],
      [4, '2026-03-01', 40, 1],
      [5, '2026-03-01', 40, 1],
      [6, '2026-03-01', 40, 1],
      [7, '2026-03-01', 40, 1],
    ]);
    const later = statsDeltas([], [row({ latest_event_type: 'CLAIMED', day: '2026-03-17', ttc_bucket: 2 })]).histogram;
    expect(later.filter((h) => h.grain >= 4).map((h) => h.day)).toEqual(['2026-03-01', '2026-03-01', '2026-03-01', '2026-03-01']);
  });

  it('given a late send moving the cohort day and the template, when counted, then −1 at the old keys and +1 at the new ones', () => {
    const d = statsDeltas(
      [row({ latest_event_type: 'CLAIMED', day: '2026-03-02', boost_uri: 'boost:claim', ttc_bucket: null })],
      [row({ latest_event_type: 'CLAIMED', day: '2026-03-01', boost_uri: 'boost:send', event_count: 2, ttc_bucket: 12 })],
    );
    const at = (grain: number, day: string, boost: string | null) => d.counters.find((c) => c.grain === grain && c.day === day && c.boostUri === boost);
    expect(at(0, '2026-03-02', null)).toMatchObject({ total: -1, claimed: -1, events: -1 });
    expect(at(0, '2026-03-01', null)).toMatchObject({ total: 1, claimed: 1, events: 2, ttcCount: 1 });
    expect(at(1, '2026-03-02', 'boost:claim')).toMatchObject({ total: -1 });
    expect(at(1, '2026-03-01', 'boost:send')).toMatchObject({ total: 1 });
    expect(d.counters).toHaveLength(8);
    // keys sorted (lock order), zero deltas dropped
    const keys = d.counters.map((c) => JSON.stringify([c.organisationId, c.grain, c.boostUri, c.integrationId, c.day]));
    expect([...keys].sort()).toEqual(keys);
  });

  it('given an unchanged state with no new event, when counted, then nothing is written', () => {
    expect(statsDeltas([row({ ttc_bucket: 3 })], [row({ ttc_bucket: 3 })])).toEqual({ counters: [], histogram: [] });
  });

  it('given the eighth-octave buckets, then each is at most 9.06 % wide and they tile the axis', () => {
    for (let b = 1; b < 100; b++) {
      const [lo, hi] = ttcBucketBounds(b);
      expect(hi / lo).toBeCloseTo(2 ** (1 / 8), 10);
      expect(ttcBucketBounds(b + 1)[0]).toBeCloseTo(hi, 6);
      expect(bucketOf((lo + hi) / 2)).toBe(b);
    }
  });

  it('given many times to claim, when estimated from the histogram, then median and p90 are within one bucket of percentile_cont', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const spread of [60_000, 3_600_000, 14 * 86_400_000]) {
      const values = Array.from({ length: 20000 }, () => Math.floor(rand() * spread));
      const hist = new Map<number, number>();
      for (const v of values) hist.set(bucketOf(v), (hist.get(bucketOf(v)) ?? 0) + 1);
      const h = [...hist].map(([bucket, n]) => ({ bucket, n }));
      for (const p of [0.5, 0.9]) {
        const exact = percentileCont(values, p);
        const est = percentileFromHistogram(h, p)!;
        expect(Math.abs(est - exact) / exact).toBeLessThan(0.0906);
      }
    }
    expect(percentileFromHistogram([], 0.5)).toBeNull();
    expect(percentileFromHistogram([{ bucket: 9, n: 1 }], 0.9)).toBeCloseTo((ttcBucketBounds(9)[0] + ttcBucketBounds(9)[1]) / 2, 6);
  });
});
