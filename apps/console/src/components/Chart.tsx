import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { markFirstContent } from '../lib/first-content';

echarts.use([BarChart, LineChart, GridComponent, TooltipComponent, CanvasRenderer]);

export type ChartOption = echarts.EChartsCoreOption;

/**
 * An ECharts canvas. `dataAt` is when the data it shows arrived (performance.now()); the time from then until
 * ECharts reports the frame finished is written to `data-render-ms` (measured by the browser tests, docs/benchmarks.md).
 */
export function Chart({ option, label, dataAt, height = 320 }: { option: ChartOption; label: string; dataAt?: number; height?: number }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  useEffect(() => {
    const c = echarts.init(el.current!, undefined, { renderer: 'canvas' });
    chart.current = c;
    const resize = () => c.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      c.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    const c = chart.current!;
    const node = el.current!;
    node.removeAttribute('data-render-ms');
    const done = () => {
      if (dataAt !== undefined) node.setAttribute('data-render-ms', (performance.now() - dataAt).toFixed(1));
      node.setAttribute('data-rendered', 'true');
      markFirstContent();
    };
    c.on('finished', done);
    // Breakdown of the render time for docs/benchmarks.md: data → this effect (React), and the setOption call itself.
    const start = performance.now();
    if (dataAt !== undefined) node.setAttribute('data-react-ms', (start - dataAt).toFixed(1));
    c.setOption({ animation: false, tooltip: { trigger: 'axis', renderMode: 'richText', confine: true }, ...option }, { notMerge: true, lazyUpdate: false });
    node.setAttribute('data-setoption-ms', (performance.now() - start).toFixed(1));
    return () => void c.off('finished', done);
  }, [option, dataAt]);
  return <div ref={el} className="chart" role="img" aria-label={label} style={{ height }} data-testid="chart-canvas" />;
}
