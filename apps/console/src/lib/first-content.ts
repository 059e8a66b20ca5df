/**
 * "First meaningful paint": the time (ms since navigation start) of the first frame showing data, i.e. the first
 * chart ECharts finished or the first non-empty table, written once to `<html data-first-content-ms>` for the
 * browser tests (docs/benchmarks.md, "Analyst console").
 */
export function markFirstContent(): void {
  const root = document.documentElement;
  if (root.dataset.firstContentMs) return;
  requestAnimationFrame(() => {
    if (!root.dataset.firstContentMs) root.dataset.firstContentMs = performance.now().toFixed(0);
  });
}
