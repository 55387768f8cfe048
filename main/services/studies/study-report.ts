// A study's report from the store: each cell's paired results over seeds, their statistics and
// verdict, and the recommendation across cells. The store is the only source: a report of an
// interrupted or running study shows what has finished so far.
import type { Store } from '../../store';
import type { StudiesRepository, StudyExperimentRow, StudyRow } from '../../store/studies';
import type { StudyCellReport, StudyReport, StudySummary } from '@contract/study';
import type { FreezeSpec, RegularizationSpec } from '@contract/spec';
import { epochRows } from '../experiment-report';
import { cellStats, recommend, tInterval, type PairedResult } from './study-stats';

export const STUDY_METHOD =
  'Gain = transfer test accuracy − from-scratch baseline test accuracy, paired by seed (same seed, data split and epochs). ' +
  '95 % interval: Student t-interval over seeds, mean ± t(0.975, n − 1) · sd / √n. ' +
  'A cell helps (or hurts) when the whole interval lies above (below) 0, otherwise it is within noise.';

interface CellSettings {
  freeze: FreezeSpec;
  learningRate: number;
  regularization: RegularizationSpec;
}

export function progressOf(rows: StudyExperimentRow[]): StudyReport['progress'] {
  const byKey = new Map(rows.map((r) => [r.key, r]));
  const cells = new Map<string, boolean>();
  for (const r of rows) {
    if (r.kind !== 'transfer' || !r.cellKey) continue;
    const finished = r.status === 'completed' && (!r.baselineKey || byKey.get(r.baselineKey)?.status === 'completed');
    cells.set(r.cellKey, (cells.get(r.cellKey) ?? true) && finished);
  }
  return {
    done: rows.filter((r) => r.status === 'completed').length,
    failed: rows.filter((r) => r.status === 'failed').length,
    running: rows.filter((r) => r.status === 'running').length,
    total: rows.length,
    cellsDone: [...cells.values()].filter(Boolean).length,
    cells: cells.size,
  };
}

export function studySummary(studies: StudiesRepository, study: StudyRow): StudySummary {
  const rows = studies.experiments(study.id);
  return {
    id: study.id, name: study.name, status: study.status, createdAt: study.createdAt, endedAt: study.endedAt,
    cells: studies.cells(study.id).length,
    seeds: new Set(rows.map((r) => r.seed)).size,
    progress: progressOf(rows),
  };
}

export function buildStudyReport(store: Store, studies: StudiesRepository, studyId: string): StudyReport {
  const study = studies.require(studyId);
  const rows = studies.experiments(studyId);
  const byKey = new Map(rows.map((r) => [r.key, r]));
  const accuracy = (runId: string | null) => (runId ? store.evaluations.get(runId, 'test')?.accuracy : undefined);

  const cells: StudyCellReport[] = studies.cells(studyId).map((cell) => {
    const settings = cell.settings as CellSettings;
    const pairs: (PairedResult & { transferRunId: string; baselineRunId: string })[] = [];
    for (const row of rows.filter((r) => r.cellKey === cell.key && r.status === 'completed')) {
      const baseline = row.baselineKey ? byKey.get(row.baselineKey) : undefined;
      if (!baseline || baseline.status !== 'completed' || !row.runId || !baseline.runId) continue;
      const transferAccuracy = accuracy(row.runId);
      const baselineAccuracy = accuracy(baseline.runId);
      if (transferAccuracy === undefined || baselineAccuracy === undefined) continue;
      pairs.push({
        seed: row.seed, transferRunId: row.runId, baselineRunId: baseline.runId, transferAccuracy, baselineAccuracy,
        epochReachingBaseline: epochReaching(store, row.runId, baseline.runId),
      });
    }
    const stats = cellStats(pairs);
    return {
      key: cell.key, label: cell.label, freeze: settings.freeze, frozenDepth: cell.frozenDepth, targetPerClass: cell.targetPerClass,
      learningRate: settings.learningRate, regularization: settings.regularization, trainableParams: cell.trainableParams,
      seeds: stats.seeds, meanGain: stats.meanGain, sdGain: stats.sdGain, gainInterval: stats.interval,
      meanTransferAccuracy: stats.meanTransferAccuracy, meanBaselineAccuracy: stats.meanBaselineAccuracy,
      transferAccuracyInterval: tInterval(pairs.map((p) => p.transferAccuracy)),
      baselineAccuracyInterval: tInterval(pairs.map((p) => p.baselineAccuracy)),
      meanEpochsToBaseline: stats.meanEpochsToBaseline, reachedBaseline: stats.reachedBaseline,
      verdict: stats.verdict, verdictText: stats.verdictText,
      pairs: pairs.map((p) => ({ ...p, gain: p.transferAccuracy - p.baselineAccuracy })),
    };
  });

  const recommendation = recommend(cells.map((c) => ({
    key: c.key, label: c.label, trainableParams: c.trainableParams,
    stats: { ...c, interval: c.gainInterval, gains: c.pairs.map((p) => p.gain) },
  })));
  return {
    id: study.id, name: study.name, status: study.status, createdAt: study.createdAt, endedAt: study.endedAt, error: study.error,
    concurrency: study.concurrency, trainingThreads: study.trainingThreads,
    seeds: [...new Set(rows.map((r) => r.seed))],
    spec: study.spec,
    progress: progressOf(rows),
    method: STUDY_METHOD,
    cells,
    recommendation,
    experiments: rows.map((r) => ({ key: r.key, kind: r.kind, seed: r.seed, cellKey: r.cellKey, status: r.status, experimentId: r.experimentId, runId: r.runId, error: r.error })),
  };
}

/**
 * The first epoch at which the transfer run's validation accuracy (training accuracy without a
 * validation split) reached the baseline's final one, as an experiment's transfer gain reports it.
 */
function epochReaching(store: Store, transferRunId: string, baselineRunId: string): number | null {
  const curve = (row: { valAccuracy: number | null; accuracy: number | null }) => row.valAccuracy ?? row.accuracy;
  const baseline = epochRows(store.metrics.curves(baselineRunId));
  const final = baseline.length ? curve(baseline[baseline.length - 1]) : null;
  if (final === null) return null;
  const reached = epochRows(store.metrics.curves(transferRunId)).find((e) => (curve(e) ?? -1) >= final);
  return reached ? reached.epoch : null;
}
