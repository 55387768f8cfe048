// A chart's values as rows of text, for the table beside every chart (WCAG 1.1.1): one row
// per x value (epoch, step or time), one column per series, blanks where a series has no
// point there. Very long series (per-step curves of a big run) are thinned evenly.
import type { ChartSeries } from './metric-series';

/** More rows than this are thinned: a table of 10,000 steps helps nobody. */
export const MAX_TABLE_ROWS = 500;

export interface ChartTable {
  columns: string[];
  rows: { x: string; values: string[] }[];
  /** Every how-manyth row is kept (null when all are). */
  thinned: number | null;
  /** Rows before thinning. */
  total: number;
}

function formatX(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Math.round(x * 100) / 100);
}

function formatY(y: number | null | undefined, percent: boolean): string {
  if (y === null || y === undefined || !Number.isFinite(y)) return '';
  return percent ? `${(y * 100).toFixed(1)} %` : y.toPrecision(4);
}

export function chartTable(series: ChartSeries[], yPercent: boolean): ChartTable {
  const byX = new Map<number, (number | null)[]>();
  series.forEach((s, i) => {
    for (const p of s.points) {
      let row = byX.get(p.x);
      if (!row) byX.set(p.x, (row = new Array<number | null>(series.length).fill(null)));
      row[i] = p.y;
    }
  });
  const xs = [...byX.keys()].sort((a, b) => a - b);
  const step = xs.length > MAX_TABLE_ROWS ? Math.ceil(xs.length / MAX_TABLE_ROWS) : 1;
  // Keep the last row: it holds the latest values.
  const kept = xs.filter((_, i) => i % step === 0 || i === xs.length - 1);
  return {
    columns: series.map((s) => s.label),
    rows: kept.map((x) => ({ x: formatX(x), values: byX.get(x)!.map((y) => formatY(y, yPercent)) })),
    thinned: step > 1 ? step : null,
    total: xs.length,
  };
}
