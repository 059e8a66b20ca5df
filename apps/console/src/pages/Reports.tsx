import { useEffect, useMemo, useState } from 'react';
import { download, fetchReport, fetchReportCsv, type ReportRequest, type Schemas } from '../api';
import { ChartPanel } from '../components/ChartPanel';
import { FIXED_OFFSETS, rangeDays, REPORT_MAX_DAYS, REPORT_PROFILES, reportSeries, zoneField } from '../lib/report-series';
import { useRoute, useSetParams } from '../router';
import { daysAgo, today } from './dates';

/** 20 distinguishable colours (Tableau 20 order), shared by the bars and the HTML legend. */
const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf', '#aec7e8', '#ffbb78', '#98df8a', '#ff9896', '#c5b0d5', '#c49c94', '#f7b6d2', '#c7c7c7', '#dbdb8d', '#9edae5'];
const ZONES: string[] = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? ['UTC', 'Europe/Berlin', 'America/New_York'];

/** Reports: issued vs status-changed per local day, stacked by profile and credential type (POST /v1/events/credential-reports). */
export function Reports() {
  const { params } = useRoute();
  const setParams = useSetParams();
  const tz = params.get('tz') ?? 'Z';
  const from = params.get('from') ?? daysAgo(29);
  const to = params.get('to') ?? today();
  const profiles = (params.get('profiles') ?? REPORT_PROFILES.join(',')).split(',').filter((p) => (REPORT_PROFILES as readonly string[]).includes(p));
  const days = rangeDays(from, to);
  const invalid = !/^\d{4}-\d{2}-\d{2}$/.test(from) || !/^\d{4}-\d{2}-\d{2}$/.test(to) ? 'Enter both dates.' : days < 1 ? 'The end date is before the start date.' : days > REPORT_MAX_DAYS ? `At most ${REPORT_MAX_DAYS} days per report (the API maximum).` : !profiles.length ? 'Choose at least one profile.' : null;
  const request: ReportRequest | null = useMemo(() => (invalid ? null : { ...zoneField(tz), startDate: from, endDate: to, profiles }), [invalid, tz, from, to, profiles.join(',')]);
  const [state, setState] = useState<{ entries: Schemas['CredentialReportEntryDto'][]; at: number; key: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const key = JSON.stringify(request);
  useEffect(() => {
    if (!request) return;
    let stale = false;
    setError(null);
    fetchReport(request).then(
      (entries) => !stale && setState({ entries, at: performance.now(), key }),
      (e: Error) => !stale && setError(e.message),
    );
    return () => void (stale = true);
  }, [key]);
  const current = state && state.key === key ? state : null;
  const chart = useMemo(() => (current ? reportSeries(current.entries, from, to) : null), [current]);
  const option = useMemo(
    () =>
      chart && {
        // The legend is HTML below (an ECharts legend of ~25 entries costs more to lay out than the bars themselves).
        color: PALETTE,
        grid: { left: 48, right: 16, top: 32, bottom: 32 },
        xAxis: { type: 'category', data: chart.dates },
        yAxis: { type: 'value', name: 'credentials' },
        // Large mode: each series is drawn as one path instead of one element per bar (366 days × ~25 series
        // would be ~9,000 elements); the axis tooltip still reads every value.
        series: chart.series.map((s) => ({ type: 'bar', name: s.name, stack: s.stack, data: s.data, large: true, largeThreshold: 100, emphasis: { disabled: true } })),
      },
    [chart],
  );
  const table = useMemo(() => current && { columns: ['date', 'operation', 'profile', 'credentialType', 'count'], rows: current.entries.map((e) => [e.date, e.operation, e.profile, e.credentialType ?? '', e.count]) }, [current]);
  const toggleProfile = (p: string) => {
    const next = profiles.includes(p) ? profiles.filter((x) => x !== p) : [...profiles, p];
    setParams({ profiles: REPORT_PROFILES.filter((x) => next.includes(x)).join(',') || '-' });
  };
  return (
    <>
      <h1>Reports</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Report filters">
        <label>
          Time zone
          <select value={tz} onChange={(e) => setParams({ tz: e.target.value })} data-testid="tz">
            <optgroup label="Fixed offsets">
              {FIXED_OFFSETS.map((o) => (
                <option key={o} value={o}>
                  {o === 'Z' ? 'UTC (Z)' : `UTC${o}`}
                </option>
              ))}
            </optgroup>
            <optgroup label="IANA time zones (DST as the API computes it)">
              {ZONES.map((z) => (
                <option key={z} value={z}>
                  {z}
                </option>
              ))}
            </optgroup>
          </select>
        </label>
        <label>
          From
          <input type="date" value={from} onChange={(e) => setParams({ from: e.target.value })} data-testid="from" />
        </label>
        <label>
          To
          <input type="date" value={to} onChange={(e) => setParams({ to: e.target.value })} data-testid="to" />
        </label>
        <fieldset>
          <legend>Profiles</legend>
          {REPORT_PROFILES.map((p) => (
            <label key={p} className="check">
              <input type="checkbox" checked={profiles.includes(p)} onChange={() => toggleProfile(p)} /> {p}
            </label>
          ))}
        </fieldset>
      </form>
      {invalid && <p className="error" role="alert">{invalid}</p>}
      {error && <p className="error" role="alert">{error}</p>}
      {!invalid && !current && !error && <p aria-busy="true">Loading the report…</p>}
      {chart && option && current && table && (
        <ChartPanel
          id="reports"
          title={`Issued and status-changed credentials per day (${tz === 'Z' ? 'UTC' : tz})`}
          data={{ categories: chart.dates, series: chart.series }}
          option={option}
          dataAt={current.at}
          height={420}
          table={table ?? undefined}
          onDownload={() => void fetchReportCsv(request!).then((csv) => download(`credential-report-${from}-${to}.csv`, csv), (e: Error) => setError(e.message))}
        >
          <p className="summary" data-testid="reports-summary">
            {current.entries.length} entries, {chart.series.length} series, {chart.dates.length} days
          </p>
          <ul className="legend" aria-label="Series">
            {chart.series.map((s, i) => (
              <li key={s.name}>
                <span className="swatch" style={{ backgroundColor: PALETTE[i % PALETTE.length] }} aria-hidden="true" />
                {s.name}
              </li>
            ))}
          </ul>
        </ChartPanel>
      )}
    </>
  );
}
