// The data a MetricChart draws: one line per series. Pages build these from live events
// (run-step, run-epoch) or from stored curves (runs.get), so the type lives apart from the
// component for both to import.
export interface ChartPoint {
  x: number;
  y: number | null;
}

export interface ChartSeries {
  label: string;
  /** Defaults to the accent colour; ignored when `grey` is set. */
  color?: string;
  /** Validation curves are dashed (UI.md: train solid, validation dashed). */
  dashed?: boolean;
  /** The from-scratch baseline is drawn grey. */
  grey?: boolean;
  points: ChartPoint[];
}
