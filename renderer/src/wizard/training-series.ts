// Chart series of one training run (and its baseline) from live curves: per-step training
// values, per-epoch training (solid) and validation (dashed) values; the baseline grey.
import type { ChartSeries } from '../components/metric-series';
import { duration } from '../lib/format';
import type { RunCurves } from './live-training.svelte';

type Metric = 'loss' | 'accuracy';

function epochPoints(run: RunCurves, metric: Metric, validation: boolean) {
  const key = validation ? (metric === 'loss' ? 'valLoss' : 'valAccuracy') : metric;
  return run.epochs.map((row) => ({ x: row.epoch, y: row[key] }));
}

export function trainingSeries(run: RunCurves, color: string, metric: Metric, baseline?: RunCurves, name = 'train'): ChartSeries[] {
  const steps = metric === 'loss' ? run.stepLoss : run.stepAccuracy;
  const series: ChartSeries[] = [
    { label: `${name} (per step)`, color: `${color}66`, points: steps },
    { label: `${name} (per epoch)`, color, points: epochPoints(run, metric, false) },
  ];
  if (run.epochs.some((r) => (metric === 'loss' ? r.valLoss : r.valAccuracy) !== null)) {
    series.push({ label: `${name === 'train' ? '' : `${name} `}validation`, color, dashed: true, points: epochPoints(run, metric, true) });
  }
  if (baseline) {
    series.push({ label: 'baseline (per epoch)', grey: true, points: epochPoints(baseline, metric, false) });
    if (baseline.epochs.some((r) => (metric === 'loss' ? r.valLoss : r.valAccuracy) !== null)) {
      series.push({ label: 'baseline validation', grey: true, dashed: true, points: epochPoints(baseline, metric, true) });
    }
  }
  return series;
}

/** The training's time-left estimate; one under a second reads as such, never "about 0 ms". */
export function timeLeftText(etaMs: number | null): string {
  if (etaMs === null || !Number.isFinite(etaMs)) return '—';
  return etaMs < 1000 ? 'under a second' : `about ${duration(etaMs)}`;
}
