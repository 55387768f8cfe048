// The supervisor runs each experiment job in its own worker process and relays what the
// worker says as events, in order, to its listeners: process lifecycle and relay only.
// Recording results (and the transfer gain) is the run journal's job (services/run-journal.ts),
// which listens first. A crash or an out-of-memory in training takes down only the worker;
// the supervisor then fails the run with the reason. Cancelling asks the worker first and
// kills it after a grace period.
import type { FromWorker, Job, PhaseStarted, PhaseTimings, WorkerIdentity } from './protocol';
import type { PhaseEstimate } from './phase-estimate';
import type { RunRole, RunStatus } from './roles';
import type { StepProgress, EpochMetrics } from '../engine/training/train';
import type { Evaluation } from '../engine/training/evaluate';
import type { ErrorCode } from '@contract/errors';
import type { WorkerHandle, WorkerLauncher, WorkerExit } from './launcher';
import { describeExitCode, isOutOfMemoryExit } from './exit-codes';

export type SupervisorEvent =
  /** A run began training in `worker` (so a worker that outlives a dead supervisor can be found). */
  | { type: 'run-started'; experimentId: string; runId: string; role: RunRole; info: PhaseStarted; worker: WorkerIdentity | null }
  | { type: 'run-status'; experimentId: string; runId: string; status: RunStatus; error?: string; errorCode?: ErrorCode; backend?: string; estimate?: PhaseEstimate }
  /** Where a finished or cancelled phase's time went (load, feature pass, training, evaluation). */
  | { type: 'run-timings'; experimentId: string; runId: string; timings: PhaseTimings }
  | { type: 'run-step'; experimentId: string; runId: string; progress: StepProgress }
  | { type: 'run-epoch'; experimentId: string; runId: string; metrics: EpochMetrics }
  | { type: 'run-evaluation'; experimentId: string; runId: string; evaluation: Evaluation }
  | { type: 'run-artifact'; experimentId: string; runId: string; kind: string; path: string; sizeBytes: number }
  | { type: 'download-progress'; experimentId: string | null; name: string; file: string; received: number; total: number | null }
  | { type: 'experiment-finished'; experimentId: string; status: 'completed' | 'failed' | 'cancelled'; error?: string; errorCode?: ErrorCode };

export interface JobOutcome {
  status: 'completed' | 'failed' | 'cancelled';
  error?: string;
  /** The contract's code for the failure (e.g. 'dataset'); 'internal' when the worker crashed. */
  errorCode?: ErrorCode;
}

export interface RunningJob {
  experimentId: string;
  done: Promise<JobOutcome>;
  cancel(): void;
}

export interface SupervisorOptions {
  launcher: WorkerLauncher;
  /** How long a cancelled worker may take to stop by itself before it is killed. */
  cancelGraceMs?: number;
}

export class Supervisor {
  private readonly listeners = new Set<(event: SupervisorEvent) => void>();
  private readonly jobs = new Map<string, RunningJob>();

  constructor(private readonly options: SupervisorOptions) {}

  /** Subscribes to every job's events; returns the unsubscribe function. */
  subscribe(listener: (event: SupervisorEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
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
      } catch (err) {
        // A failing listener must not stop the relay; say so where someone can see it.
        console.error(`transfer-lab: a listener failed on ${event.type}: ${(err as Error).message}`);
      }
    }
  }
}

/** Follows one job: relays its messages as events and settles its outcome. */
class JobTracker {
  readonly done: Promise<JobOutcome>;
  private resolve!: (outcome: JobOutcome) => void;
  private readonly statuses = new Map<string, RunStatus>();
  private cancelRequested = false;
  private killTimer?: NodeJS.Timeout;
  private settled = false;
  private failure?: string;
  private failureCode?: ErrorCode;
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
      case 'phase-started': {
        const role = this.job.phases.find((p) => p.runId === message.runId)?.role ?? 'source';
        this.emit({ type: 'run-started', experimentId, runId: message.runId, role, info: message, worker: this.workerIdentity });
        this.setStatus(message.runId, 'running', { backend: message.environment.backend, ...(message.estimate ? { estimate: message.estimate } : {}) });
        return;
      }
      case 'step':
        this.emit({ type: 'run-step', experimentId, runId: message.runId, progress: message.progress });
        return;
      case 'epoch':
        this.emit({ type: 'run-epoch', experimentId, runId: message.runId, metrics: message.metrics });
        return;
      case 'evaluation':
        this.emit({ type: 'run-evaluation', experimentId, runId: message.runId, evaluation: message.evaluation });
        return;
      case 'artifact':
        this.emit({ type: 'run-artifact', experimentId, runId: message.runId, kind: message.kind, path: message.path, sizeBytes: message.sizeBytes });
        return;
      case 'phase-finished':
        if (message.timings) this.emit({ type: 'run-timings', experimentId, runId: message.runId, timings: message.timings });
        this.finish(message.runId, message.status);
        return;
      case 'failed':
        this.failure = message.message;
        this.failureCode = message.code;
        this.failRemaining(message.message, message.code);
        return;
      case 'done':
        return;
    }
  }

  private onExit(exit: WorkerExit): void {
    if (this.killTimer) clearTimeout(this.killTimer);
    if (this.cancelRequested) {
      for (const [runId, status] of this.statuses) {
        if (status === 'queued' || status === 'running') this.finish(runId, 'cancelled', { error: 'cancelled by the user' });
      }
    } else if (!this.failure && [...this.statuses.values()].some((s) => s === 'queued' || s === 'running')) {
      this.failure = describeExit(exit);
      this.failureCode = 'internal';
      this.failRemaining(this.failure, 'internal');
    }
    this.settle();
  }

  /**
   * Fails the runs that had not finished. Phases run in order, so the failing run is the one
   * running or, when the failure came while preparing it (loading its data, building its
   * model), the first one queued: it gets the reason itself; the runs after it say which run
   * they waited for.
   */
  private failRemaining(reason: string, errorCode: ErrorCode): void {
    let culprit: string | undefined;
    for (const [runId, status] of this.statuses) {
      if (status !== 'running' && status !== 'queued') continue;
      if (culprit === undefined) {
        culprit = this.job.phases.find((p) => p.runId === runId)?.role ?? 'earlier';
        this.finish(runId, 'failed', { error: reason, errorCode });
      } else {
        this.finish(runId, 'failed', { error: `not started: the ${culprit} run failed (${reason})`, errorCode });
      }
    }
  }

  private finish(runId: string, status: 'completed' | 'failed' | 'cancelled', detail: StatusDetail = {}): void {
    const current = this.statuses.get(runId);
    if (current !== 'queued' && current !== 'running') return;
    this.setStatus(runId, status, detail);
  }

  private setStatus(runId: string, status: RunStatus, detail: StatusDetail = {}): void {
    this.statuses.set(runId, status);
    this.emit({ type: 'run-status', experimentId: this.job.experimentId, runId, status, ...detail });
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
    const failure = status === 'failed' ? { error: this.failure, errorCode: this.failureCode ?? 'internal' } : {};
    this.emit({ type: 'experiment-finished', experimentId: this.job.experimentId, status, ...failure });
    this.resolve({ status, ...failure });
  }
}

/** What a status change says besides the status: why a run failed, or the backend it runs on. */
interface StatusDetail {
  error?: string;
  errorCode?: ErrorCode;
  backend?: string;
  /** How long the phase is expected to take (given when it starts). */
  estimate?: PhaseEstimate;
}

function describeExit(exit: WorkerExit): string {
  if (exit.reason === 'oom' || isOutOfMemoryExit(exit.code) || /heap out of memory|Out of memory/i.test(exit.stderrTail ?? '')) {
    return 'the training process ran out of memory (try a smaller batch size, image size or model)';
  }
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with ${describeExitCode(exit.code)}`;
  const tail = exit.stderrTail?.trim().split('\n').slice(-3).join(' | ');
  return `the training process ${how} before finishing${tail ? `: ${tail}` : ''}`;
}
