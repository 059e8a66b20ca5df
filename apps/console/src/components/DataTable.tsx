import { useEffect, type ReactNode } from 'react';
import { markFirstContent } from '../lib/first-content';

/** A plain table in a focusable scroll container (keyboard users can scroll wide tables at 390 px). */
export function DataTable({ caption, columns, rows, testId, render }: { caption: string; columns: string[]; rows: (string | number | null | undefined)[][]; testId?: string; render?: (row: number, col: number, value: unknown) => ReactNode }) {
  useEffect(() => {
    if (rows.length) markFirstContent();
  }, [rows.length]);
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label={caption} data-testid={testId}>
      <table>
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              {r.map((v, j) => (
                <td key={j}>{render ? render(i, j, v) : (v ?? '')}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && <p className="empty">No data for these filters.</p>}
    </div>
  );
}
