// A study's report as chart series and as CSV: gain vs frozen depth with interval bars, and
// accuracy vs target examples per class (transfer against scratch) with bands. Every point
// knows its cells, so clicking it opens the runs behind it.
import type { StudyCellReport, StudyReport } from '@contract';
import { csvField } from '../compare/comparison-csv';

export interface StudyPoint {
  x: number;
  y: number;
  /** The 95 % interval drawn as a bar or band; null with one seed. */
  lo: number | null;
  hi: number | null;
  cellKeys: string[];
}

export interface StudySeries {
  label: string;
  points: StudyPoint[];
  /** How the intervals are drawn. */
  intervals: 'bars' | 'band';
  /** From-scratch series are grey, as baselines are everywhere in the app. */
  grey?: boolean;
}

const regText = (c: StudyCellReport) => JSON.stringify(c.regularization);

function describeFreezeShort(c: StudyCellReport): string {
  if (c.freeze === 'none') return 'none';
  if (c.freeze === 'all-but-head') return 'all but head';
  if ('through' in c.freeze) return c.freeze.through;
  return `${c.freeze.layers.length} layers`;
}

/** What each frozen depth means, for the gain chart's x axis. */
export function depthLabels(report: StudyReport): Map<number, string> {
  const labels = new Map<number, string>();
  for (const c of report.cells) if (!labels.has(c.frozenDepth)) labels.set(c.frozenDepth, describeFreezeShort(c));
  return labels;
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

/** Gain vs frozen depth: one series per target setting (examples per class, learning rate, regularisation). */
export function gainSeries(report: StudyReport): StudySeries[] {
  const perClass = new Set(report.cells.map((c) => c.targetPerClass)).size > 1;
  const rates = new Set(report.cells.map((c) => c.learningRate)).size > 1;
  const regs = new Set(report.cells.map(regText)).size > 1;
  const groups = groupBy(report.cells, (c) => JSON.stringify([c.targetPerClass, c.learningRate, regText(c)]));
  return [...groups.values()].map((cells) => {
    const c = cells[0];
    const label = [
      perClass ? `${c.targetPerClass ?? 'all'} per class` : '',
      rates ? `learning rate ${c.learningRate}` : '',
      regs ? c.regularization.kind : '',
    ].filter(Boolean).join(' · ') || 'transfer gain';
    return {
      label,
      intervals: 'bars' as const,
      points: cells
        .filter((cell) => cell.meanGain !== null)
        .map((cell) => ({ x: cell.frozenDepth, y: cell.meanGain!, lo: cell.gainInterval?.[0] ?? null, hi: cell.gainInterval?.[1] ?? null, cellKeys: [cell.key] }))
        .sort((a, b) => a.x - b.x),
    };
  });
}

/** Whether the study varied the target's size (the learning curve needs two sizes or more). */
export function hasLearningCurve(report: StudyReport): boolean {
  return new Set(report.cells.map((c) => c.targetPerClass).filter((n) => n !== null)).size > 1;
}

/** Accuracy vs examples per class: one transfer series per freeze setting, and scratch in grey. */
export function learningCurveSeries(report: StudyReport): StudySeries[] {
  const sized = report.cells.filter((c) => c.targetPerClass !== null);
  const settings = groupBy(sized, (c) => JSON.stringify([c.freeze, c.learningRate, regText(c)]));
  const series: StudySeries[] = [...settings.values()].map((cells) => ({
    label: `transfer, ${cells[0].label.split(' · ')[0]}`,
    intervals: 'band' as const,
    points: cells
      .filter((c) => c.meanTransferAccuracy !== null)
      .map((c) => ({ x: c.targetPerClass!, y: c.meanTransferAccuracy!, lo: c.transferAccuracyInterval?.[0] ?? null, hi: c.transferAccuracyInterval?.[1] ?? null, cellKeys: [c.key] }))
      .sort((a, b) => a.x - b.x),
  }));
  // Every freeze setting of a size shares that size's baselines: one scratch point per size.
  const bySize = groupBy(sized.filter((c) => c.meanBaselineAccuracy !== null), (c) => String(c.targetPerClass));
  series.push({
    label: 'from scratch',
    intervals: 'band',
    grey: true,
    points: [...bySize.values()].map((cells) => ({
      x: cells[0].targetPerClass!, y: cells[0].meanBaselineAccuracy!,
      lo: cells[0].baselineAccuracyInterval?.[0] ?? null, hi: cells[0].baselineAccuracyInterval?.[1] ?? null,
      cellKeys: cells.map((c) => c.key),
    })).sort((a, b) => a.x - b.x),
  });
  return series;
}

/** One row per cell: its settings, the statistics and the verdict (raw fractions, so spreadsheets can compute). */
export function studyToCsv(report: StudyReport): string {
  const header = ['cell', 'freeze', 'frozen_depth', 'target_per_class', 'learning_rate', 'regularization', 'trainable_params', 'seeds',
    'mean_gain', 'sd_gain', 'gain_95_low', 'gain_95_high', 'mean_transfer_accuracy', 'mean_baseline_accuracy', 'mean_epochs_to_baseline', 'verdict', 'run_ids'];
  const lines = [header.join(',')];
  for (const c of report.cells) {
    lines.push([
      c.label, typeof c.freeze === 'string' ? c.freeze : JSON.stringify(c.freeze), c.frozenDepth, c.targetPerClass, c.learningRate, regText(c), c.trainableParams, c.seeds,
      c.meanGain, c.sdGain, c.gainInterval?.[0] ?? null, c.gainInterval?.[1] ?? null, c.meanTransferAccuracy, c.meanBaselineAccuracy, c.meanEpochsToBaseline, c.verdict,
      c.pairs.flatMap((p) => [p.transferRunId, p.baselineRunId]).join(' '),
    ].map((v) => csvField(v)).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}
