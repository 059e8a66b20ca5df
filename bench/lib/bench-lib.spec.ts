import { EVENT_REGISTRY, validateEvent } from '@cep/contracts';
import { historyProjection } from '@cep/history';
import { EventMix } from './event-mix';
import { benchProjection, benchTopic, loadProjection, PROJECTION_SPECS } from './projections';
import { formatMarkdown, formatTable } from './report';
import { median, percentile } from './stats';

describe('bench helpers', () => {
  it('median and nearest-rank percentiles', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)).toBe(5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 99)).toBe(10);
    expect(Number.isNaN(median([]))).toBe(true);
  });

  it('the event mix is contract-valid, spread over 20 organisations and every bounded context', () => {
    const mix = new EventMix({ organisations: 20, seed: 7, end: new Date('2026-01-01T00:00:00Z') });
    const events = mix.next(3000, 3000);
    const invalid = events.map((e) => validateEvent(JSON.parse(JSON.stringify(e)), EVENT_REGISTRY)).filter((r) => !r.ok);
    expect(invalid).toEqual([]);
    expect(new Set(events.map((e) => e.organisationid)).size).toBe(20);
    const topics = new Set(events.map((e) => EVENT_REGISTRY.get(e.type)!.topic));
    expect(topics.size).toBe(6);
    expect(events.every((e) => e.time <= '2026-01-01T00:01:00.000Z')).toBe(true);
  });

  it('maps a projection onto the benchmark topics under its own name', () => {
    const p = benchProjection(historyProjection, 'r1', 'bench-history-r0');
    expect(p.name).toBe('bench-history-r0');
    expect(p.topics).toEqual(historyProjection.topics.map((t) => benchTopic('r1', t)));
    expect(p.handles).toBe(historyProjection.handles);
    expect(loadProjection(PROJECTION_SPECS[0])).toBe(historyProjection);
  });

  it('prints met / NOT met and ratios', () => {
    const rows = [
      { section: 'ingest', name: 'x', value: 1234.5, unit: 'events/s', baseline: 2000, ratio: 0.62, target: '≥ 0.5× B_copy', met: true },
      { section: 'scale', name: 'y', value: 10, unit: 'events/s', target: '≥ 0.9×', met: false },
    ];
    expect(formatTable(rows)).toContain('NOT met');
    expect(formatMarkdown(rows)).toContain('| ingest | x | 1,235 | events/s | 2,000 | 0.62× | ≥ 0.5× B_copy | met |');
  });
});
