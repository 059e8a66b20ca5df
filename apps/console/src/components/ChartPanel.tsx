import { useMemo, type ReactNode } from 'react';
import { download } from '../api';
import { toCsv } from '../lib/csv';
import { useRoute, useSetParams } from '../router';
import { Chart, type ChartOption } from './Chart';
import { DataTable } from './DataTable';

export interface ChartData {
  /** categories of the x axis */
  categories: string[];
  series: { name: string; data: number[]; stack?: string }[];
}

/**
 * A chart with its "show as table" alternative and a CSV download of exactly what it shows. The numbers the
 * chart was drawn from are on `data-chart` (JSON) so the browser tests compare them with their own API call.
 * `table` (optional) replaces the default one-row-per-category table; `onDownload` replaces the CSV of the table
 * (the reports page downloads the server's CSV).
 */
export function ChartPanel(props: {
  id: string;
  title: string;
  data: ChartData;
  option: ChartOption;
  dataAt?: number;
  height?: number;
  table?: { columns: string[]; rows: (string | number | null)[][] };
  onDownload?: () => void;
  children?: ReactNode;
}) {
  const { params } = useRoute();
  const setParams = useSetParams();
  const key = `${props.id}View`;
  const asTable = params.get(key) === 'table';
  const table = useMemo(
    () => props.table ?? { columns: ['category', ...props.data.series.map((s) => s.name)], rows: props.data.categories.map((c, i) => [c, ...props.data.series.map((s) => s.data[i])]) },
    [props.table, props.data],
  );
  const csv = () => download(`${props.id}.csv`, toCsv(table.columns, table.rows));
  const chartJson = useMemo(() => JSON.stringify(props.data), [props.data]);
  return (
    <section className="panel" aria-labelledby={`${props.id}-title`} data-testid={`panel-${props.id}`} data-chart={chartJson}>
      <div className="panel-head">
        <h2 id={`${props.id}-title`}>{props.title}</h2>
        <div className="panel-actions">
          <button type="button" onClick={() => setParams({ [key]: asTable ? null : 'table' }, { replace: true })} aria-pressed={asTable} data-testid={`toggle-${props.id}`}>
            {asTable ? 'Show as chart' : 'Show as table'}
          </button>
          <button type="button" onClick={props.onDownload ?? csv} data-testid={`csv-${props.id}`}>
            Download CSV
          </button>
        </div>
      </div>
      {props.children}
      {asTable ? <DataTable caption={props.title} columns={table.columns} rows={table.rows} testId={`table-${props.id}`} /> : <Chart option={props.option} label={props.title} dataAt={props.dataAt} height={props.height} />}
    </section>
  );
}
