// Stored curves (runs.get → curves) as chart lines. Each metric series mixes per-epoch
// points (step null) and per-step points (step = global step); a chart shows one kind.
// Train curves are solid and validation curves dashed (UI.md), val_<name> pairing with <name>.
import type { MetricSeriesInfo } from '@contract';
import type { ChartPoint, ChartSeries } from '../components/metric-series';

/** What the x axis counts: epochs, optimizer steps, or seconds since the run started. */
export type CurveAxis = 'epoch' | 'step' | 'wall';

export const AXIS_LABELS: Record<CurveAxis, string> = { epoch: 'epoch', step: 'step', wall: 'time (s)' };

/** Metrics a person compares; the rest (epoch_ms, samples_per_sec) are listed after them. */
const PREFERRED = ['accuracy', 'loss', 'val_accuracy', 'val_loss'];

const LABELS: Record<string, string> = {
  accuracy: 'accuracy',
  loss: 'loss',
  val_accuracy: 'validation accuracy',
  val_loss: 'validation loss',
  epoch_ms: 'epoch time (ms)',
  samples_per_sec: 'samples/s',
};

export function metricLabel(name: string): string {
  return LABELS[name] ?? name.replace(/_/g, ' ');
}

export function isValidationMetric(name: string): boolean {
  return name.startsWith('val_');
}

/** Metric names in a useful order: the preferred ones first, then the rest A→Z. */
export function metricNames(curveSets: readonly (readonly MetricSeriesInfo[])[]): string[] {
  const names = new Set(curveSets.flatMap((curves) => curves.map((c) => c.name)));
  const preferred = PREFERRED.filter((n) => names.has(n));
  const rest = [...names].filter((n) => !PREFERRED.includes(n)).sort();
  return [...preferred, ...rest];
}

/**
 * The points of one metric along an axis. 'epoch' and 'wall' use the per-epoch points;
 * 'step' uses the per-step points. Wall time counts seconds from `startMs` (the run's
 * start), or from the first point when the run has no start time.
 */
export function curvePoints(curve: MetricSeriesInfo | undefined, axis: CurveAxis, startMs?: number | null): ChartPoint[] {
  if (!curve) return [];
  const points: ChartPoint[] = [];
  const origin = startMs ?? (curve.wallMs.length > 0 ? Math.min(...curve.wallMs) : 0);
  for (let i = 0; i < curve.value.length; i++) {
    const step = curve.step[i];
    if (axis === 'step' ? step === null : step !== null) continue;
    const x = axis === 'epoch' ? curve.epoch[i] : axis === 'step' ? (step as number) : (curve.wallMs[i] - origin) / 1000;
    points.push({ x, y: curve.value[i] });
  }
  return points.sort((a, b) => a.x - b.x);
}

export function hasStepPoints(curves: readonly MetricSeriesInfo[]): boolean {
  return curves.some((c) => c.step.some((s) => s !== null));
}

/**
 * One run's chart of a train metric with its validation twin: e.g. 'loss' gives a solid
 * "train loss" line and a dashed "validation loss" line. Validation exists per epoch only.
 */
export function trainValSeries(curves: readonly MetricSeriesInfo[], metric: 'loss' | 'accuracy', axis: CurveAxis, color: string, startMs?: number | null): ChartSeries[] {
  const byName = new Map(curves.map((c) => [c.name, c]));
  const series: ChartSeries[] = [{ label: `train ${metric}`, color, points: curvePoints(byName.get(metric), axis, startMs) }];
  if (axis !== 'step' && byName.has(`val_${metric}`)) {
    series.push({ label: `validation ${metric}`, color, dashed: true, points: curvePoints(byName.get(`val_${metric}`), axis, startMs) });
  }
  return series.filter((s) => s.points.length > 0);
}
