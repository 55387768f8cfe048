// The metric table of the compare page: one row per metric, one value per run, and which
// run is best on it (higher accuracy, lower loss, shorter duration). Pure, so the page and
// the CSV export read the same numbers.
import type { RunDetail } from '@contract';
import { duration, percent, points } from '../lib/format';
import { formatMetric } from '../lib/format';

export interface MetricRow {
  key: string;
  label: string;
  /** One per run, in the comparison's order; null where the run has no such value. */
  values: (number | null)[];
  /** Indices of the best value(s); empty when fewer than two runs have a value. */
  best: number[];
  better: 'higher' | 'lower';
  format: (value: number | null) => string;
}

interface MetricDefinition {
  key: string;
  label: string;
  better: 'higher' | 'lower';
  format: (value: number | null) => string;
  value: (run: RunDetail) => number | null;
}

function lastEpochValue(run: RunDetail, field: 'loss' | 'valLoss' | 'valAccuracy'): number | null {
  for (let i = run.report.epochs.length - 1; i >= 0; i--) {
    const value = run.report.epochs[i][field];
    if (value !== null) return value;
  }
  return null;
}

export function runDuration(run: RunDetail): number | null {
  const { startedAt, endedAt } = run.run;
  return run.report.durationMs ?? (startedAt !== null && endedAt !== null ? endedAt - startedAt : null);
}

export const METRICS: readonly MetricDefinition[] = [
  { key: 'test_accuracy', label: 'Test accuracy', better: 'higher', format: (v) => percent(v), value: (r) => r.run.testAccuracy ?? r.report.evaluation?.accuracy ?? null },
  { key: 'test_loss', label: 'Test loss', better: 'lower', format: formatMetric, value: (r) => r.report.evaluation?.loss ?? null },
  { key: 'final_loss', label: 'Final train loss', better: 'lower', format: formatMetric, value: (r) => lastEpochValue(r, 'loss') },
  { key: 'final_val_accuracy', label: 'Final validation accuracy', better: 'higher', format: (v) => percent(v), value: (r) => lastEpochValue(r, 'valAccuracy') },
  { key: 'final_val_loss', label: 'Final validation loss', better: 'lower', format: formatMetric, value: (r) => lastEpochValue(r, 'valLoss') },
  {
    key: 'transfer_gain',
    label: 'Transfer gain (target − baseline test accuracy)',
    better: 'higher',
    format: (v) => (v === null ? '—' : points(v)),
    value: (r) => (r.run.role === 'target' ? r.run.transferGain : null),
  },
  { key: 'duration_ms', label: 'Duration', better: 'lower', format: duration, value: runDuration },
];

export function bestIndices(values: readonly (number | null)[], better: 'higher' | 'lower'): number[] {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (present.length < 2) return [];
  const target = better === 'higher' ? Math.max(...present) : Math.min(...present);
  return values.flatMap((v, i) => (v === target ? [i] : []));
}

/**
 * Whether the runs' numbers can be ranked: only runs on the same data are. Accuracy on
 * digits and accuracy on shapes are different questions, so no "best" is marked across them.
 */
export function sameDataset(runs: readonly RunDetail[]): boolean {
  return new Set(runs.map((r) => JSON.stringify(r.run.dataset ?? r.run.datasetName ?? null))).size <= 1;
}

export function metricRows(runs: readonly RunDetail[]): MetricRow[] {
  const comparable = sameDataset(runs);
  return METRICS.map((m) => {
    const values = runs.map(m.value);
    // Duration is comparable across data; the metrics measured on the data are not.
    const rank = comparable || m.key === 'duration_ms';
    return { key: m.key, label: m.label, values, best: rank ? bestIndices(values, m.better) : [], better: m.better, format: m.format };
  }).filter((row) => row.values.some((v) => v !== null));
}

/** Parameter values arrive as JSON text ("\"adam\"", "0.001"); show strings without quotes. */
export function parameterText(json: string): string {
  if (json === '' || json === 'null') return '';
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'string' ? value : json;
  } catch {
    return json;
  }
}
