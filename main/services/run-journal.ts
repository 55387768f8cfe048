// The run journal: records what the supervisor relays into the store, the single writer of
// training results, and answers "did transfer help?" when an experiment finishes. It hears
// every supervisor event before any face does (see app-events.ts), so what a face is told
// is already recorded.
import type { Store } from '../store';
import type { SupervisorEvent } from '../training/supervisor';
import type { PhaseStarted, PhaseTimings, WorkerIdentity } from '../training/protocol';
import type { Evaluation } from '../engine/training/evaluate';
import type { EpochMetrics } from '../engine/training/train';
import type { RunRole } from '../training/roles';
import { computeTransferGain, type TransferGain } from './transfer-gain';

interface MetricPoint {
  epoch: number;
  step: number | null;
  name: string;
  value: number;
  wallMs: number;
}

/** Step metrics are kept at most this often per run (a curve needs no more). */
const STEP_METRIC_INTERVAL_MS = 1000;

/** What one experiment's runs have produced so far, for the transfer gain. */
interface ExperimentResults {
  roles: Map<string, RunRole>;
  epochs: Map<string, EpochMetrics[]>;
  evaluations: Map<string, Evaluation>;
}

/** What faces see of an experiment's end: the supervisor's event with the transfer gain added. */
export type JournaledEvent = Exclude<SupervisorEvent, { type: 'experiment-finished' }> | (Extract<SupervisorEvent, { type: 'experiment-finished' }> & { transferGain?: TransferGain });

export class RunJournal {
  private readonly writer: StoreWriter;
  private readonly pending = new Map<string, MetricPoint[]>();
  private readonly lastStepMetric = new Map<string, number>();
  private readonly experiments = new Map<string, ExperimentResults>();

  constructor(store: Store) {
    this.writer = new StoreWriter(store);
  }

  /** Records one event; returns it as the faces should see it. */
  record(event: SupervisorEvent): JournaledEvent {
    switch (event.type) {
      case 'run-started':
        this.resultsOf(event.experimentId).roles.set(event.runId, event.role);
        this.writer.runStarted(event.runId, event.info, event.worker);
        return event;
      case 'run-step':
        this.recordStep(event.runId, event.progress);
        return event;
      case 'run-epoch':
        this.recordEpoch(event.experimentId, event.runId, event.metrics);
        return event;
      case 'run-evaluation':
        this.writer.saveEvaluation(event.runId, event.evaluation);
        this.resultsOf(event.experimentId).evaluations.set(event.runId, event.evaluation);
        return event;
      case 'run-artifact':
        this.writer.addArtifact(event.runId, event.kind, event.path, event.sizeBytes);
        return event;
      case 'run-status':
        if (event.status !== 'queued' && event.status !== 'running') {
          this.flush(event.runId);
          this.lastStepMetric.delete(event.runId);
          this.writer.finishRun(event.runId, event.status, event.error);
        }
        return event;
      case 'experiment-finished': {
        const transferGain = event.status === 'completed' ? this.transferGain(event.experimentId) : undefined;
        this.experiments.delete(event.experimentId);
        if (transferGain) this.writer.saveTransferGain(event.experimentId, transferGain);
        return transferGain ? { ...event, transferGain } : event;
      }
      case 'run-timings':
        this.flush(event.runId);
        this.writer.saveTimings(event.runId, event.timings);
        return event;
      case 'download-progress':
        return event;
    }
  }

  private recordStep(runId: string, progress: Extract<SupervisorEvent, { type: 'run-step' }>['progress']): void {
    const now = Date.now();
    if (now - (this.lastStepMetric.get(runId) ?? 0) < STEP_METRIC_INTERVAL_MS) return;
    this.lastStepMetric.set(runId, now);
    this.buffer(runId, [
      { epoch: progress.epoch, step: progress.globalStep, name: 'loss', value: progress.loss, wallMs: now },
      { epoch: progress.epoch, step: progress.globalStep, name: 'accuracy', value: progress.accuracy, wallMs: now },
      { epoch: progress.epoch, step: progress.globalStep, name: 'samples_per_sec', value: progress.samplesPerSec, wallMs: now },
    ]);
  }

  private recordEpoch(experimentId: string, runId: string, metrics: EpochMetrics): void {
    const now = Date.now();
    const point = (name: string, value: number | undefined): MetricPoint[] =>
      value === undefined ? [] : [{ epoch: metrics.epoch, step: null, name, value, wallMs: now }];
    this.buffer(runId, [
      ...point('loss', metrics.loss),
      ...point('accuracy', metrics.accuracy),
      ...point('val_loss', metrics.valLoss),
      ...point('val_accuracy', metrics.valAccuracy),
      ...point('samples_per_sec', metrics.samplesPerSec),
      ...point('epoch_ms', metrics.durationMs),
    ]);
    // One transaction per epoch: a crash loses at most the current epoch's steps.
    this.flush(runId);
    const epochs = this.resultsOf(experimentId).epochs;
    epochs.set(runId, [...(epochs.get(runId) ?? []), metrics]);
  }

  private transferGain(experimentId: string): TransferGain | undefined {
    const results = this.experiments.get(experimentId);
    if (!results) return undefined;
    const runOf = (role: RunRole) => [...results.roles].find(([, r]) => r === role)?.[0];
    const target = runOf('target');
    const baseline = runOf('baseline');
    if (!target || !baseline) return undefined;
    return computeTransferGain(
      { runId: target, evaluation: results.evaluations.get(target), epochs: results.epochs.get(target) ?? [] },
      { runId: baseline, evaluation: results.evaluations.get(baseline), epochs: results.epochs.get(baseline) ?? [] },
    );
  }

  private resultsOf(experimentId: string): ExperimentResults {
    let results = this.experiments.get(experimentId);
    if (!results) {
      results = { roles: new Map(), epochs: new Map(), evaluations: new Map() };
      this.experiments.set(experimentId, results);
    }
    return results;
  }

  private buffer(runId: string, points: MetricPoint[]): void {
    const list = this.pending.get(runId) ?? [];
    list.push(...points);
    this.pending.set(runId, list);
  }

  private flush(runId: string): void {
    const points = this.pending.get(runId);
    this.pending.delete(runId);
    if (!points || points.length === 0) return;
    this.writer.appendMetrics(runId, points.filter((p) => Number.isFinite(p.value)));
  }
}

/** The store writes the journal makes, one method per kind of fact. */
class StoreWriter {
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
