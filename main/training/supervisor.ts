// The supervisor runs each experiment job in its own worker process, relays its progress
// to listeners, and records it through a RunRecorder (the store, in the app). A crash or
// an out-of-memory in training takes down only the worker; the supervisor then records
// the run as failed with the reason. Cancelling asks the worker first and kills it after
// a grace period.
import type { FromWorker, Job, PhaseStarted, PhaseTimings, WorkerIdentity } from './protocol';
import type { PhaseEstimate } from './phase-estimate';
import type { RunStatus } from './roles';
import type { StepProgress, EpochMetrics } from '../engine/train';
import type { Evaluation } from '../engine/evaluate';
import type { WorkerHandle, WorkerLauncher, WorkerExit } from './launcher';
import { computeTransferGain, type TransferGain } from './transfer-gain';
import { describeExitCode, isOutOfMemoryExit } from './exit-codes';

export interface MetricPoint {
  epoch: number;
  step: number | null;
  name: string;
  value: number;
  wallMs: number;
}

/** Where the supervisor writes what happens; the store implements it. */
export interface RunRecorder {
  /**
   * A run began training. Its owner is the recorder's process (the supervisor); `worker` is
   * the process that trains it, so a worker that outlives a dead supervisor can be found.
   */
  runStarted(runId: string, info: PhaseStarted, worker: WorkerIdentity | null): void;
  appendMetrics(runId: string, points: MetricPoint[]): void;
  saveEvaluation(runId: string, evaluation: Evaluation): void;
  addArtifact(runId: string, kind: string, path: string, sizeBytes: number): void;
  finishRun(runId: string, status: Exclude<RunStatus, 'queued' | 'running'>, error?: string): void;
  saveTransferGain(experimentId: string, gain: TransferGain): void;
  /** Where a finished or cancelled phase's time went (load, feature pass, training, evaluation). */
  saveTimings?(runId: string, timings: PhaseTimings): void;
}

export type SupervisorEvent =
  | { type: 'run-status'; experimentId: string; runId: string; status: RunStatus; error?: string; estimate?: PhaseEstimate }
  | { type: 'run-step'; experimentId: string; runId: string; progress: StepProgress }
  | { type: 'run-epoch'; experimentId: string; runId: string; metrics: EpochMetrics }
  | { type: 'run-evaluation'; experimentId: string; runId: string; evaluation: Evaluation }
  | { type: 'download-progress'; experimentId: string | null; name: string; file: string; received: number; total: number | null }
  | { type: 'experiment-finished'; experimentId: string; status: 'completed' | 'failed' | 'cancelled'; transferGain?: TransferGain };

export interface JobOutcome {
  status: 'completed' | 'failed' | 'cancelled';
  error?: string;
  /** The name of the error the worker failed with (e.g. 'DatasetError'); absent when it crashed. */
  errorCode?: string;
  transferGain?: TransferGain;
}

export interface RunningJob {
  experimentId: string;
  done: Promise<JobOutcome>;
  cancel(): void;
}

export interface SupervisorOptions {
  launcher: WorkerLauncher;
  recorder: RunRecorder;
  /** How long a cancelled worker may take to stop by itself before it is killed. */
  cancelGraceMs?: number;
}

/** Step metrics are kept at most this often per run (the UI is throttled anyway). */
const STEP_METRIC_INTERVAL_MS = 1000;

export class Supervisor {
  private readonly listeners = new Set<(event: SupervisorEvent) => void>();
  private readonly jobs = new Map<string, RunningJob>();

  constructor(private readonly options: SupervisorOptions) {}

  /** Subscribes to every job's events; returns the unsubscribe function. */
  subscribe(listener: (event: SupervisorEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Tells every listener about progress made outside a training job (a download for a
   * dataset preview), so each face forwards it like a job's own events.
   */
  announce(event: Extract<SupervisorEvent, { type: 'download-progress' }>): void {
    this.emit(event);
  }

  running(): string[] {
    return [...this.jobs.keys()];
  }

  get(experimentId: string): RunningJob | undefined {
    return this.jobs.get(experimentId);
  }

  start(job: Job): RunningJob {
    const worker = this.options.launcher();
    const tracker = new JobTracker(job, worker, this.options, (event) => this.emit(event));
    const running: RunningJob = {
      experimentId: job.experimentId,
      done: tracker.done.finally(() => this.jobs.delete(job.experimentId)),
      cancel: () => tracker.cancel(),
    };
    this.jobs.set(job.experimentId, running);
    return running;
  }

  /** Cancels every running job and waits for them (used on app quit). */
  async shutdown(): Promise<void> {
    const all = [...this.jobs.values()];
    for (const job of all) job.cancel();
    await Promise.allSettled(all.map((j) => j.done));
  }

  private emit(event: SupervisorEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A failing listener must not break training bookkeeping.
      }
    }
  }
}

/** Follows one job: relays its messages, records them, and settles its outcome. */
class JobTracker {
  readonly done: Promise<JobOutcome>;
  private resolve!: (outcome: JobOutcome) => void;
  private readonly statuses = new Map<string, RunStatus>();
  private readonly pending = new Map<string, MetricPoint[]>();
  private readonly lastStepMetric = new Map<string, number>();
  private readonly epochs = new Map<string, EpochMetrics[]>();
  private readonly evaluations = new Map<string, Evaluation>();
  private cancelRequested = false;
  private killTimer?: NodeJS.Timeout;
  private settled = false;
  private failure?: string;
  private failureCode?: string;
  private workerIdentity: WorkerIdentity | null = null;

  constructor(
    private readonly job: Job,
    private readonly worker: WorkerHandle,
    private readonly options: SupervisorOptions,
    private readonly emit: (event: SupervisorEvent) => void,
  ) {
    this.done = new Promise((resolve) => (this.resolve = resolve));
    for (const phase of job.phases) this.statuses.set(phase.runId, 'queued');
    worker.onMessage((message) => this.onMessage(message));
    worker.onExit((exit) => this.onExit(exit));
    worker.send({ type: 'start', job });
  }

  cancel(): void {
    if (this.settled || this.cancelRequested) return;
    this.cancelRequested = true;
    this.worker.send({ type: 'cancel' });
    this.killTimer = setTimeout(() => this.worker.kill(), this.options.cancelGraceMs ?? 5000);
  }

  private get recorder(): RunRecorder {
    return this.options.recorder;
  }

  private onMessage(message: FromWorker): void {
    const experimentId = this.job.experimentId;
    switch (message.type) {
      case 'ready':
        this.workerIdentity = message.process ?? (this.worker.pid ? { pid: this.worker.pid, startedAt: null } : null);
        return;
      case 'log':
        return;
      case 'download-progress':
        this.emit({ type: 'download-progress', experimentId, name: message.name, file: message.file, received: message.received, total: message.total });
        return;
      case 'phase-started':
        this.recorder.runStarted(message.runId, message, this.workerIdentity);
        this.setStatus(message.runId, 'running', undefined, message.estimate);
        return;
      case 'step': {
        const { runId, progress } = message;
        const last = this.lastStepMetric.get(runId) ?? 0;
        const now = Date.now();
        if (now - last >= STEP_METRIC_INTERVAL_MS) {
          this.lastStepMetric.set(runId, now);
          this.buffer(runId, [
            { epoch: progress.epoch, step: progress.globalStep, name: 'loss', value: progress.loss, wallMs: now },
            { epoch: progress.epoch, step: progress.globalStep, name: 'accuracy', value: progress.accuracy, wallMs: now },
            { epoch: progress.epoch, step: progress.globalStep, name: 'samples_per_sec', value: progress.samplesPerSec, wallMs: now },
          ]);
        }
        this.emit({ type: 'run-step', experimentId, runId, progress });
        return;
      }
      case 'epoch': {
        const { runId, metrics } = message;
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
        const list = this.epochs.get(runId) ?? [];
        list.push(metrics);
        this.epochs.set(runId, list);
        this.emit({ type: 'run-epoch', experimentId, runId, metrics });
        return;
      }
      case 'evaluation':
        this.recorder.saveEvaluation(message.runId, message.evaluation);
        this.evaluations.set(message.runId, message.evaluation);
        this.emit({ type: 'run-evaluation', experimentId, runId: message.runId, evaluation: message.evaluation });
        return;
      case 'artifact':
        this.recorder.addArtifact(message.runId, message.kind, message.path, message.sizeBytes);
        return;
      case 'phase-finished':
        this.flush(message.runId);
        if (message.timings) this.recorder.saveTimings?.(message.runId, message.timings);
        this.finish(message.runId, message.status);
        return;
      case 'failed':
        this.failure = message.message;
        this.failureCode = message.code;
        this.failRemaining(message.message);
        return;
      case 'done':
        return;
    }
  }

  private onExit(exit: WorkerExit): void {
    if (this.killTimer) clearTimeout(this.killTimer);
    for (const runId of this.pending.keys()) this.flush(runId);
    if (this.cancelRequested) {
      for (const [runId, status] of this.statuses) {
        if (status === 'queued' || status === 'running') this.finish(runId, 'cancelled', 'cancelled by the user');
      }
    } else if (!this.failure && [...this.statuses.values()].some((s) => s === 'queued' || s === 'running')) {
      this.failure = describeExit(exit);
      this.failRemaining(this.failure);
    }
    this.settle();
  }

  /**
   * Fails the runs that had not finished. Phases run in order, so the failing run is the one
   * running or, when the failure came while preparing it (loading its data, building its
   * model), the first one queued: it gets the reason itself; the runs after it say which run
   * they waited for.
   */
  private failRemaining(reason: string): void {
    let culprit: string | undefined;
    for (const [runId, status] of this.statuses) {
      if (status !== 'running' && status !== 'queued') continue;
      if (culprit === undefined) {
        culprit = this.job.phases.find((p) => p.runId === runId)?.role ?? 'earlier';
        this.finish(runId, 'failed', reason);
      } else {
        this.finish(runId, 'failed', `not started: the ${culprit} run failed (${reason})`);
      }
    }
  }

  private buffer(runId: string, points: MetricPoint[]): void {
    const list = this.pending.get(runId) ?? [];
    list.push(...points);
    this.pending.set(runId, list);
  }

  private flush(runId: string): void {
    const points = this.pending.get(runId);
    if (!points || points.length === 0) return;
    this.pending.set(runId, []);
    this.recorder.appendMetrics(runId, points.filter((p) => Number.isFinite(p.value)));
  }

  private finish(runId: string, status: 'completed' | 'failed' | 'cancelled', error?: string): void {
    const current = this.statuses.get(runId);
    if (current !== 'queued' && current !== 'running') return;
    this.recorder.finishRun(runId, status, error);
    this.setStatus(runId, status, error);
  }

  private setStatus(runId: string, status: RunStatus, error?: string, estimate?: PhaseEstimate): void {
    this.statuses.set(runId, status);
    this.emit({ type: 'run-status', experimentId: this.job.experimentId, runId, status, error, ...(estimate ? { estimate } : {}) });
  }

  private settle(): void {
    if (this.settled) return;
    this.settled = true;
    const statuses = [...this.statuses.values()];
    const status: JobOutcome['status'] = statuses.includes('failed')
      ? 'failed'
      : statuses.includes('cancelled') || this.cancelRequested
        ? 'cancelled'
        : 'completed';
    let transferGain: TransferGain | undefined;
    const target = this.job.phases.find((p) => p.role === 'target');
    const baseline = this.job.phases.find((p) => p.role === 'baseline');
    if (status === 'completed' && target && baseline) {
      transferGain = computeTransferGain(
        { runId: target.runId, evaluation: this.evaluations.get(target.runId), epochs: this.epochs.get(target.runId) ?? [] },
        { runId: baseline.runId, evaluation: this.evaluations.get(baseline.runId), epochs: this.epochs.get(baseline.runId) ?? [] },
      );
      if (transferGain) this.recorder.saveTransferGain(this.job.experimentId, transferGain);
    }
    this.emit({ type: 'experiment-finished', experimentId: this.job.experimentId, status, transferGain });
    this.resolve({ status, error: this.failure, errorCode: this.failureCode, transferGain });
  }
}

function describeExit(exit: WorkerExit): string {
  if (exit.reason === 'oom' || isOutOfMemoryExit(exit.code) || /heap out of memory|Out of memory/i.test(exit.stderrTail ?? '')) {
    return 'the training process ran out of memory (try a smaller batch size, image size or model)';
  }
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with ${describeExitCode(exit.code)}`;
  const tail = exit.stderrTail?.trim().split('\n').slice(-3).join(' | ');
  return `the training process ${how} before finishing${tail ? `: ${tail}` : ''}`;
}
