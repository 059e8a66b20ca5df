import { useEffect, useMemo, useState } from 'react';
import { api, ok, type Schemas } from '../api';
import { ChartPanel } from '../components/ChartPanel';
import { DataTable } from '../components/DataTable';
import { formatDuration, histogram, timesToClaim, TTC_BUCKETS, weeksOf } from '../lib/activity-stats';
import { useRoute, useSetParams } from '../router';
import { daysAgo, today } from './dates';

const EVENT_TYPES = ['CREATED', 'DELIVERED', 'CLAIMED', 'EXPIRED', 'FAILED'] as const;
type Record_ = Schemas['CredentialActivityDto'];
/** Records read for the time-to-claim histogram (newest first); the stats' p50/p90 cover every issuance. */
const HISTOGRAM_MAX_PAGES = 20;

/** Activity: funnel, claim rate per week, time to claim, the list with filters and one chain as a timeline. */
export function Activity() {
  const { params } = useRoute();
  const setParams = useSetParams();
  const from = params.get('from') ?? daysAgo(27);
  const to = params.get('to') ?? today();
  const boost = params.get('boost') ?? '';
  const integration = params.get('integration') ?? '';
  const eventType = params.get('eventType') ?? '';
  const chain = params.get('chain');
  const range = { startDate: `${from}T00:00:00.000Z`, endDate: `${to}T23:59:59.999Z` };
  const statsQuery = { ...range, ...(boost ? { boostUris: [boost] } : {}), ...(integration ? { integrationId: integration } : {}) };
  const listQuery = { ...range, ...(boost ? { boostUri: boost } : {}), ...(integration ? { integrationId: integration } : {}) };
  const key = JSON.stringify(statsQuery);

  // Three independent loads, each shown as soon as it arrives: the stats (funnel, claim rate, p50/p90), one stats
  // call per week, and the list pages of the histogram.
  const [total, setTotal] = useState<{ key: string; s: Schemas['ActivityStatsDto']; at: number } | null>(null);
  const [weeks, setWeeks] = useState<{ key: string; w: { label: string; s: Schemas['ActivityStatsDto'] }[]; at: number } | null>(null);
  const [ttcState, setTtc] = useState<{ key: string; durations: number[]; pages: number; sample: boolean; at: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let stale = false;
    setError(null);
    const fail = (e: Error) => !stale && setError(e.message);
    api.GET('/v1/activity/credentials/stats', { params: { query: statsQuery } }).then((r) => !stale && setTotal({ key, s: ok(r), at: performance.now() }), fail);
    Promise.all(
      weeksOf(from, to).map(async (w) => ({ label: w.label, s: ok(await api.GET('/v1/activity/credentials/stats', { params: { query: { ...statsQuery, startDate: w.startDate, endDate: w.endDate } } })) })),
    ).then((w) => !stale && setWeeks({ key, w, at: performance.now() }), fail);
    (async () => {
      const records: Record_[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const p = ok(await api.GET('/v1/activity/credentials', { params: { query: { ...listQuery, limit: 100, ...(cursor ? { cursor } : {}) } } }));
        records.push(...p.records);
        cursor = p.cursor ?? undefined;
        pages++;
      } while (cursor && pages < HISTOGRAM_MAX_PAGES && !stale);
      if (!stale) setTtc({ key, durations: timesToClaim(records), pages, sample: cursor !== undefined, at: performance.now() });
    })().catch(fail);
    return () => void (stale = true);
  }, [key]);
  const cur = total && total.key === key ? total : null;
  const curWeeks = weeks && weeks.key === key ? weeks : null;
  const curTtc = ttcState && ttcState.key === key ? ttcState : null;

  const funnel = useMemo(() => cur && { categories: [...EVENT_TYPES], series: [{ name: 'issuances', data: EVENT_TYPES.map((t) => cur.s[t.toLowerCase() as 'created']) }] }, [cur]);
  const weekly = useMemo(() => curWeeks && { categories: curWeeks.w.map((w) => w.label), series: [{ name: 'claim rate %', data: curWeeks.w.map((w) => w.s.claimRate) }] }, [curWeeks]);
  const ttc = useMemo(() => curTtc && { categories: TTC_BUCKETS.map((b) => b.label), series: [{ name: 'issuances', data: histogram(curTtc.durations) }] }, [curTtc]);
  const bar = (d: { categories: string[]; series: { name: string; data: number[] }[] }, yName: string, type: 'bar' | 'line' = 'bar') => ({
    grid: { left: 48, right: 16, top: 24, bottom: 40 },
    xAxis: { type: 'category', data: d.categories },
    yAxis: { type: 'value', name: yName },
    series: d.series.map((s) => ({ type, name: s.name, data: s.data, label: { show: d.categories.length <= 12, position: 'top' } })),
  });

  return (
    <>
      <h1>Activity</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Activity filters">
        <label>
          From
          <input type="date" value={from} onChange={(e) => setParams({ from: e.target.value })} />
        </label>
        <label>
          To
          <input type="date" value={to} onChange={(e) => setParams({ to: e.target.value })} />
        </label>
        <label>
          Boost (template URI)
          <input type="text" defaultValue={boost} onBlur={(e) => setParams({ boost: e.target.value.trim() })} onKeyDown={(e) => e.key === 'Enter' && setParams({ boost: e.currentTarget.value.trim() })} data-testid="boost" />
        </label>
        <label>
          Integration
          <input type="text" defaultValue={integration} onBlur={(e) => setParams({ integration: e.target.value.trim() })} onKeyDown={(e) => e.key === 'Enter' && setParams({ integration: e.currentTarget.value.trim() })} data-testid="integration" />
        </label>
        <label>
          Event type (list)
          <select value={eventType} onChange={(e) => setParams({ eventType: e.target.value })} data-testid="eventType">
            <option value="">all</option>
            {EVENT_TYPES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
      </form>
      {error && <p className="error" role="alert">{error}</p>}
      {!cur && !error && <p aria-busy="true">Loading activity…</p>}
      {cur && funnel && (
        <>
          <section className="kpis" aria-label="Key figures" data-testid="activity-kpis" data-stats={JSON.stringify(cur.s)}>
            <p>
              <strong>{cur.s.total}</strong> issuances
            </p>
            <p title="claimed / (created + delivered + claimed), as the API computes it">
              claim rate <strong data-testid="claim-rate">{cur.s.claimRate.toFixed(2)} %</strong>
            </p>
            <p>
              time to claim p50 <strong data-testid="ttc-p50">{formatDuration(cur.s.timeToClaim.medianMs)}</strong>, p90 <strong data-testid="ttc-p90">{formatDuration(cur.s.timeToClaim.p90Ms)}</strong> ({cur.s.timeToClaim.count} claimed)
            </p>
          </section>
          <div className="grid2">
            <ChartPanel id="funnel" title="Funnel: issuances by their latest step" data={funnel} option={bar(funnel, 'issuances')} dataAt={cur.at} />
            {weekly && curWeeks ? <ChartPanel id="weekly" title="Claim rate per week (%)" data={weekly} option={bar(weekly, '%', 'line')} dataAt={curWeeks.at} /> : <p aria-busy="true">Loading the weekly claim rate…</p>}
          </div>
          {ttc && curTtc ? (
            <ChartPanel id="ttc" title="Time to claim (histogram)" data={ttc} option={bar(ttc, 'issuances')} dataAt={curTtc.at}>
              <p className="note">
                From the {curTtc.durations.length} claimed issuances among the {curTtc.sample ? `newest ${curTtc.pages * 100} records (a sample)` : 'records'} of the list for these filters; p50/p90 above cover every issuance.
              </p>
            </ChartPanel>
          ) : (
            <p aria-busy="true">Loading the time-to-claim histogram…</p>
          )}
        </>
      )}
      {chain ? <ChainTimeline activityId={chain} onClose={() => setParams({ chain: null })} /> : <ActivityList query={{ ...listQuery, ...(eventType ? { eventType: eventType as Record_['eventType'] } : {}) }} onOpen={(id) => setParams({ chain: id })} />}
    </>
  );
}

function ActivityList({ query, onOpen }: { query: Record<string, string>; onOpen: (activityId: string) => void }) {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [page, setPage] = useState<Schemas['ActivityPageDto'] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const key = JSON.stringify(query);
  useEffect(() => setCursors([undefined]), [key]);
  const cursor = cursors[cursors.length - 1];
  useEffect(() => {
    let stale = false;
    api.GET('/v1/activity/credentials', { params: { query: { ...query, limit: 25, ...(cursor ? { cursor } : {}) } } }).then(
      (r) => !stale && (setPage(ok(r)), setError(null)),
      (e: Error) => !stale && setError(e.message),
    );
    return () => void (stale = true);
  }, [key, cursor]);
  return (
    <section className="panel" aria-labelledby="activity-list-title">
      <h2 id="activity-list-title">Activity records</h2>
      {error && <p className="error" role="alert">{error}</p>}
      {page && (
        <DataTable
          caption="Activity records, newest first"
          testId="activity-list"
          columns={['time', 'event', 'profile', 'recipient', 'boost', 'integration', 'chain']}
          rows={page.records.map((r) => [r.timestamp, r.eventType, r.actorProfileId, `${r.recipientType}: ${r.recipientIdentifier}`, r.boostUri ?? '', r.integrationId ?? '', r.activityId])}
          render={(_i, j, v) =>
            j === 6 ? (
              <button type="button" className="link" onClick={() => onOpen(String(v))} aria-label={`Open chain ${String(v)}`}>
                {String(v).slice(0, 8)}…
              </button>
            ) : (
              String(v ?? '')
            )
          }
        />
      )}
      <div className="pager">
        <button type="button" disabled={cursors.length < 2} onClick={() => setCursors(cursors.slice(0, -1))}>
          Newer
        </button>
        <button type="button" disabled={!page?.cursor} onClick={() => page?.cursor && setCursors([...cursors, page.cursor])}>
          Older
        </button>
      </div>
    </section>
  );
}

function ChainTimeline({ activityId, onClose }: { activityId: string; onClose: () => void }) {
  const [events, setEvents] = useState<Record_[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.GET('/v1/activity/credentials/{activityId}/chain', { params: { path: { activityId } } }).then(
      (r) => setEvents(ok(r)),
      (e: Error) => setError(e.message),
    );
  }, [activityId]);
  return (
    <section className="panel" aria-labelledby="chain-title" data-testid="chain">
      <div className="panel-head">
        <h2 id="chain-title">Chain {activityId}</h2>
        <button type="button" onClick={onClose}>
          Back to the list
        </button>
      </div>
      {error && <p className="error" role="alert">{error}</p>}
      {events && (
        <ol className="timeline">
          {events.map((e) => (
            <li key={e.id}>
              <time dateTime={e.timestamp}>{e.timestamp}</time> <strong>{e.eventType}</strong> via {e.source} to {e.recipientType} {e.recipientIdentifier}
              {e.metadata && Object.keys(e.metadata).length ? <code>{JSON.stringify(e.metadata)}</code> : null}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
