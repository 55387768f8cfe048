// Records what the supervisor relays into the store: the single writer of training results.
import type { Store } from '../store';
import type { RunRecorder, MetricPoint } from '../training/supervisor';
import type { PhaseStarted, PhaseTimings, WorkerIdentity } from '../training/protocol';
import type { Evaluation } from '../engine/evaluate';
import type { TransferGain } from '../training/transfer-gain';

export class StoreRecorder implements RunRecorder {
  constructor(private readonly store: Store) {}

  runStarted(runId: string, info: PhaseStarted, worker: WorkerIdentity | null): void {
    const { environment } = info;
    const skipped = environment.backendSkipped.map((s) => `${s.backend}: ${s.reason}`).join('; ');
    this.store.transaction(() => {
      this.store.runs.update(runId, {
        hyperparams: info.hyperparams,
        frozenLayers: info.frozenLayers,
        environment: {
          ...environment,
          backendReason: skipped ? `skipped ${skipped}` : `${environment.backend} was requested`,
          notes: info.notes,
          warnings: info.warnings,
          ...(info.estimate ? { estimate: info.estimate } : {}),
        },
        dataset: info.dataset,
        datasetName: info.dataset.description,
        architecture: info.architecture,
      });
      // The owner is this process (the single writer), not the worker: the run lives as long as we do.
      this.store.runs.setProcesses(runId, worker);
      this.store.runs.setStatus(runId, 'running');
    });
  }

  appendMetrics(runId: string, points: MetricPoint[]): void {
    this.store.metrics.appendMetrics(points.map((p) => ({ runId, epoch: p.epoch, step: p.step, name: p.name, value: p.value, wallMs: p.wallMs })));
  }

  saveEvaluation(runId: string, evaluation: Evaluation): void {
    const classNames = evaluation.perClass.map((c) => c.className);
    this.store.evaluations.save({
      runId,
      split: evaluation.split,
      accuracy: evaluation.accuracy,
      loss: evaluation.loss,
      perClass: evaluation.perClass,
      confusion: { labels: classNames, matrix: evaluation.confusionMatrix },
      misclassified: evaluation.misclassified,
    });
  }

  /** Kept in the run's environment JSON (what it ran on, and how long each part took). */
  saveTimings(runId: string, timings: PhaseTimings): void {
    this.store.transaction(() => {
      const run = this.store.runs.get(runId);
      if (!run) return;
      this.store.runs.update(runId, { environment: { ...(run.environment ?? { backend: 'unknown' }), timings } });
    });
  }

  addArtifact(runId: string, kind: string, path: string, sizeBytes: number): void {
    this.store.artifacts.add({ runId, kind, path, sizeBytes });
  }

  finishRun(runId: string, status: 'completed' | 'failed' | 'cancelled' | 'interrupted', error?: string): void {
    this.store.runs.setStatus(runId, status, error ?? null);
  }

  saveTransferGain(experimentId: string, gain: TransferGain): void {
    this.store.experiments.setResult(experimentId, {
      targetRunId: gain.targetRunId,
      baselineRunId: gain.baselineRunId,
      targetAccuracy: gain.targetAccuracy,
      baselineAccuracy: gain.baselineAccuracy,
      transferGain: gain.accuracyDelta,
      epochReachingBaseline: gain.epochReachingBaseline,
      reachedOn: gain.reachedOn,
      testCount: gain.testCount,
      interval: gain.interval,
    });
  }
}
