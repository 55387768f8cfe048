// One experiment's outcome as a plain object: what `transfer-lab run --json` prints and
// what the results page shows. Built from the store, the single source of truth.
import type { Store, Run, MetricSeries } from '../store';
import type { RunRole } from '../training/roles';
import type { EpochRow, ExperimentReport, RunReport } from '@contract';

// The report's shape is the contract's (contract/results.ts): what the renderer
// receives is what this builds, declared once.
export type { EpochRow, RunReport, ExperimentReport };

const roleOrder: Record<RunRole, number> = { source: 0, target: 1, baseline: 2 };

export function buildExperimentReport(store: Store, experimentId: string): ExperimentReport {
  const experiment = store.experiments.require(experimentId);
  const runs = store.runs.list({ experimentId, limit: 100, sort: 'createdAt', order: 'asc' }).rows;
  // A reused source run belongs to another experiment: show it too, it is part of the story.
  const parentIds = runs.map((r) => r.parentRunId).filter((id): id is string => !!id && !runs.some((r) => r.id === id));
  const all = [...parentIds.map((id) => store.runs.get(id)).filter((r): r is Run => r !== null), ...runs];
  all.sort((a, b) => roleOrder[a.role] - roleOrder[b.role] || a.createdAt - b.createdAt);

  const result = experiment.result;
  return {
    experimentId,
    name: experiment.name,
    spec: experiment.spec,
    runs: all.map((run) => runReport(store, run)),
    transferGain:
      result && result.transferGain !== null && result.baselineAccuracy !== null
        ? {
            accuracyDelta: result.transferGain,
            epochReachingBaseline: result.epochReachingBaseline ?? null,
            targetAccuracy: result.targetAccuracy,
            baselineAccuracy: result.baselineAccuracy,
            reachedOn: result.reachedOn ?? null,
            testCount: result.testCount ?? null,
            interval: result.interval ?? null,
          }
        : null,
  };
}

export function runReport(store: Store, run: Run): RunReport {
  const evaluation = store.evaluations.get(run.id, 'test');
  const env = run.environment as (Run['environment'] & { warnings?: string[] }) | null;
  return {
    id: run.id,
    role: run.role,
    status: run.status,
    parentRunId: run.parentRunId,
    error: run.error,
    backend: env?.backend ?? null,
    durationMs: run.startedAt !== null && run.endedAt !== null ? run.endedAt - run.startedAt : null,
    architecture: run.architecture,
    frozenLayers: run.frozenLayers,
    epochs: epochRows(store.metrics.curves(run.id)),
    evaluation: evaluation
      ? {
          accuracy: evaluation.accuracy,
          loss: evaluation.loss,
          perClass: evaluation.perClass,
          confusionMatrix: evaluation.confusion.matrix,
          classNames: evaluation.confusion.labels,
          misclassified: evaluation.misclassified,
        }
      : null,
    warnings: env?.warnings ?? [],
  };
}

/** Per-epoch rows from the per-epoch metric series (those recorded without a step). */
export function epochRows(curves: MetricSeries[]): EpochRow[] {
  const rows = new Map<number, EpochRow>();
  const field: Record<string, keyof EpochRow> = {
    loss: 'loss',
    accuracy: 'accuracy',
    val_loss: 'valLoss',
    val_accuracy: 'valAccuracy',
    samples_per_sec: 'samplesPerSec',
    epoch_ms: 'durationMs',
  };
  for (const series of curves) {
    const key = field[series.name];
    if (!key) continue;
    for (let i = 0; i < series.epoch.length; i++) {
      if (series.step[i] !== null) continue;
      const epoch = series.epoch[i];
      const row = rows.get(epoch) ?? { epoch, durationMs: null, loss: null, accuracy: null, valLoss: null, valAccuracy: null, samplesPerSec: null };
      (row[key] as number | null) = series.value[i];
      rows.set(epoch, row);
    }
  }
  return [...rows.values()].sort((a, b) => a.epoch - b.epoch);
}
