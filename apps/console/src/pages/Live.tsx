import { useEffect, useRef, useState } from 'react';
import { api, ok, type Schemas } from '../api';
import { token } from '../auth';
import { ChartPanel } from '../components/ChartPanel';
import { DataTable } from '../components/DataTable';
import { SseParser } from '../lib/sse';
import { useRoute, useSetParams } from '../router';

type SessionEvent = Schemas['SessionEventDto'];
const TYPES = ['VerificationEvent', 'IssuanceEvent'] as const;
const KEEP = 500;

/**
 * Live: verification and issuance session events from GET /v1/events/stream as they are committed. A fetch-based
 * SSE client (EventSource cannot send the bearer header); after a drop it reconnects with `Last-Event-ID` = the last
 * event received, so the gateway resumes right after it: no gap, no duplicate. Pause closes the stream; resume
 * reconnects the same way.
 */
export function Live() {
  const { params } = useRoute();
  const setParams = useSetParams();
  const types = (params.get('types') ?? TYPES.join(',')).split(',').filter((t) => (TYPES as readonly string[]).includes(t));
  const paused = params.get('paused') === '1';
  const [events, setEvents] = useState<SessionEvent[]>([]);
  const [status, setStatus] = useState<'connecting' | 'live' | 'reconnecting' | 'paused'>('connecting');
  const [received, setReceived] = useState(0);
  const lastId = useRef<string | null>(null);
  const typesKey = types.join(',');

  useEffect(() => {
    lastId.current = null;
    setEvents([]);
  }, [typesKey]);

  useEffect(() => {
    if (paused) {
      setStatus('paused');
      return;
    }
    const abort = new AbortController();
    let retry: ReturnType<typeof setTimeout> | undefined;
    const connect = async () => {
      const qs = new URLSearchParams();
      for (const t of types) qs.append('eventType', t);
      const headers: Record<string, string> = { accept: 'text/event-stream' };
      const t = token();
      if (t) headers.authorization = `Bearer ${t}`;
      if (lastId.current) headers['last-event-id'] = lastId.current;
      try {
        const r = await fetch(`/v1/events/stream?${qs}`, { headers, signal: abort.signal, cache: 'no-store' });
        if (!r.ok || !r.body) throw new Error(`stream answered ${r.status}`);
        setStatus('live');
        const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
        const parser = new SseParser();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const batch: SessionEvent[] = [];
          for (const m of parser.push(value)) {
            if (m.id) lastId.current = m.id;
            batch.push(JSON.parse(m.data) as SessionEvent);
          }
          if (batch.length) {
            setReceived((n) => n + batch.length);
            setEvents((prev) => [...batch.reverse(), ...prev].slice(0, KEEP));
          }
        }
        throw new Error('stream ended');
      } catch {
        if (abort.signal.aborted) return;
        setStatus('reconnecting');
        retry = setTimeout(() => void connect(), 1000);
      }
    };
    setStatus('connecting');
    void connect();
    return () => {
      abort.abort();
      clearTimeout(retry);
    };
  }, [paused, typesKey]);

  return (
    <>
      <h1>Live</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Live filters">
        <fieldset>
          <legend>Event types</legend>
          {TYPES.map((t) => (
            <label key={t} className="check">
              <input type="checkbox" checked={types.includes(t)} onChange={() => setParams({ types: (types.includes(t) ? types.filter((x) => x !== t) : [...types, t]).join(',') || TYPES.join(',') })} /> {t}
            </label>
          ))}
        </fieldset>
        <button type="button" onClick={() => setParams({ paused: paused ? null : '1' }, { replace: true })} data-testid="pause" aria-pressed={paused}>
          {paused ? 'Resume' : 'Pause'}
        </button>
        <p className="status" role="status" data-testid="live-status" data-last-id={lastId.current ?? ''}>
          {status} · {received} received
        </p>
      </form>
      <LastHour types={types} />
      <section className="panel" aria-labelledby="feed-title">
        <h2 id="feed-title">Events as they happen (newest first)</h2>
        <DataTable
          caption="Live session events"
          testId="live-feed"
          columns={['time', 'type', 'action', 'status', 'target', 'session', 'id']}
          rows={events.map((e) => [new Date(e.timestamp).toISOString(), e.eventType, e.action.type, e.status.type, e.target, String(e.sessionId ?? ''), e._id])}
        />
      </section>
    </>
  );
}

/** Grouped counts of the last hour (POST /v1/events/query?groupBy=…), refreshed every 10 s. */
function LastHour({ types }: { types: string[] }) {
  const [groups, setGroups] = useState<{ byType: Schemas['EventLogGroupDto'][]; byStatus: Schemas['EventLogGroupDto'][]; from: number; at: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const typesKey = types.join(',');
  useEffect(() => {
    let stop = false;
    const load = async () => {
      const from = Date.now() - 3600000;
      const body = { eventType: types as Schemas['EventQueryBodyDto']['eventType'], fromTimestamp: from };
      const q = (groupBy: 'eventType' | 'status.type') => api.POST('/v1/events/query', { params: { query: { groupBy } }, body }).then((r) => ok(r) as Schemas['EventLogGroupDto'][]);
      try {
        const [byType, byStatus] = await Promise.all([q('eventType'), q('status.type')]);
        if (!stop) setGroups({ byType, byStatus, from, at: performance.now() });
      } catch (e) {
        if (!stop) setError((e as Error).message);
      }
    };
    void load();
    const t = setInterval(load, 10000);
    return () => {
      stop = true;
      clearInterval(t);
    };
  }, [typesKey]);
  if (error) return <p className="error" role="alert">{error}</p>;
  if (!groups) return <p aria-busy="true">Loading the last hour…</p>;
  const chartData = { categories: groups.byType.map((g) => String(g._id)), series: [{ name: 'events', data: groups.byType.map((g) => g.count) }] };
  return (
    <div className="grid2">
      <ChartPanel
        id="lasthour"
        title="Events in the last hour by type"
        data={chartData}
        dataAt={groups.at}
        height={220}
        option={{ grid: { left: 48, right: 16, top: 16, bottom: 32 }, xAxis: { type: 'category', data: chartData.categories }, yAxis: { type: 'value' }, series: [{ type: 'bar', name: 'events', data: chartData.series[0].data, label: { show: true, position: 'top' } }] }}
      >
        <p className="note" data-testid="lasthour-from" data-from={groups.from}>
          since {new Date(groups.from).toISOString().slice(11, 19)} UTC
        </p>
      </ChartPanel>
      <section className="panel" aria-labelledby="bystatus-title">
        <h2 id="bystatus-title">By status (last hour)</h2>
        <DataTable caption="Events in the last hour by status" testId="lasthour-status" columns={['status', 'events']} rows={groups.byStatus.map((g) => [String(g._id), g.count])} />
      </section>
    </div>
  );
}
