// The Study page's data: gain-by-depth series with interval bars, the learning curve (transfer
// per freeze setting against scratch, with bands), the point → cells link, and the CSV.
import { describe, expect, it } from 'vitest';
import type { StudyCellReport, StudyReport } from '@contract';
import { depthLabels, gainSeries, hasLearningCurve, learningCurveSeries, studyToCsv } from '../../../renderer/src/studies/study-series';

function cell(key: string, freeze: StudyCellReport['freeze'], depth: number, perClass: number, gain: number, baseline: number): StudyCellReport {
  return {
    key, label: `${typeof freeze === 'string' ? freeze : 'through conv1'} · ${perClass} per class`, freeze, frozenDepth: depth, targetPerClass: perClass,
    learningRate: 0.001, regularization: { kind: 'none' }, trainableParams: 100 - depth, seeds: 3,
    meanGain: gain, sdGain: 0.01, gainInterval: [gain - 0.02, gain + 0.02],
    meanTransferAccuracy: baseline + gain, meanBaselineAccuracy: baseline,
    transferAccuracyInterval: [baseline + gain - 0.03, baseline + gain + 0.03], baselineAccuracyInterval: [baseline - 0.04, baseline + 0.04],
    meanEpochsToBaseline: 2, reachedBaseline: 3, verdict: 'helps', verdictText: 'x',
    pairs: [{ seed: 1, transferRunId: `${key}t`, baselineRunId: `b${perClass}`, transferAccuracy: baseline + gain, baselineAccuracy: baseline, gain, epochReachingBaseline: 2 }],
  };
}

const report = {
  id: 's', name: 'study', status: 'completed', createdAt: 0, endedAt: 1, error: null, concurrency: 2, trainingThreads: 1, seeds: [1, 2, 3], spec: {},
  progress: { done: 1, failed: 0, running: 0, total: 1, cellsDone: 1, cells: 1 }, method: 'm', recommendation: { cellKey: null, text: 'none' }, experiments: [],
  cells: [
    cell('c1', 'none', 0, 5, 0.1, 0.5), cell('c2', { through: 'conv1' }, 1, 5, 0.2, 0.5),
    cell('c3', 'none', 0, 20, 0.05, 0.8), cell('c4', { through: 'conv1' }, 1, 20, -0.01, 0.8),
  ],
} satisfies StudyReport;

describe('study charts', () => {
  it('plots the gain by frozen depth, one series per target size, with the interval on each point', () => {
    const series = gainSeries(report);
    expect(series.map((s) => s.label)).toEqual(['5 per class', '20 per class']);
    expect(series[0].points).toEqual([
      { x: 0, y: 0.1, lo: 0.1 - 0.02, hi: 0.1 + 0.02, cellKeys: ['c1'] },
      { x: 1, y: 0.2, lo: 0.2 - 0.02, hi: 0.2 + 0.02, cellKeys: ['c2'] },
    ]);
    expect(series[0].intervals).toBe('bars');
    expect([...depthLabels(report)]).toEqual([[0, 'none'], [1, 'conv1']]);
  });

  it('plots accuracy by examples per class for each freeze setting and for scratch, whose point opens every cell of its size', () => {
    expect(hasLearningCurve(report)).toBe(true);
    const series = learningCurveSeries(report);
    expect(series.map((s) => s.label)).toEqual(['transfer, none', 'transfer, through conv1', 'from scratch']);
    expect(series[0].points.map((p) => [p.x, p.y])).toEqual([[5, 0.6], [20, 0.8500000000000001]]);
    const scratch = series[2];
    expect(scratch.grey).toBe(true);
    expect(scratch.intervals).toBe('band');
    expect(scratch.points).toEqual([
      { x: 5, y: 0.5, lo: 0.46, hi: 0.54, cellKeys: ['c1', 'c2'] },
      { x: 20, y: 0.8, lo: 0.76, hi: 0.8400000000000001, cellKeys: ['c3', 'c4'] },
    ]);
    expect(hasLearningCurve({ ...report, cells: report.cells.slice(0, 2) })).toBe(false);
  });

  it('exports one CSV row per cell with raw numbers and its runs', () => {
    const lines = studyToCsv(report).trim().split('\r\n');
    expect(lines).toHaveLength(5);
    expect(lines[0].split(',').slice(0, 4)).toEqual(['cell', 'freeze', 'frozen_depth', 'target_per_class']);
    expect(lines[2]).toBe('through conv1 · 5 per class,"{""through"":""conv1""}",1,5,0.001,"{""kind"":""none""}",99,3,0.2,0.01,0.18000000000000002,0.22,0.7,0.5,2,helps,c2t b5');
  });
});
