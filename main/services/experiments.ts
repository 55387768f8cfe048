// Experiments as use cases: validate a spec, start it (records + a worker job), cancel it,
// and report on it. Transport-free: the CLI, Electron IPC and browser mode all call this.
import fs from 'node:fs';
import { parseExperimentSpec, type ExperimentSpec } from '@contract/spec';
import { checkpointFolders, readCheckpointInfo, tidyCheckpointFolder, type CheckpointInfo } from '../engine/training/checkpoints';
import type { Store, Run } from '../store';
import type { Supervisor, JobOutcome } from '../training/supervisor';
import type { Continuation, Job, PhasePlan } from '../training/protocol';
import type { RunRole } from '../training/roles';
import { buildExperimentReport, epochRows, type ExperimentReport } from './experiment-report';

export interface ServiceContext {
  store: Store;
  supervisor: Supervisor;
  dataFolder: string;
  appVersion: string;
}

export interface StartedExperiment {
  experimentId: string;
  runs: { id: string; role: RunRole }[];
  /** Settles when every run of the experiment has finished, failed or been cancelled. */
  done: Promise<JobOutcome>;
}

/** A request the user can fix (unknown run, run without a model, …). */
export class ExperimentError extends Error {
  readonly errorCode = 'bad-request';
  constructor(message: string) {
    super(message);
    this.name = 'ExperimentError';
  }
}

export class ExperimentService {
  constructor(private readonly ctx: ServiceContext) {}

  /** Parses and fills defaults; throws SpecError naming each bad field. */
  validate(input: unknown): ExperimentSpec {
    return parseExperimentSpec(input);
  }

  /**
   * Records the experiment's runs and starts its worker. `options.baselineOnly` trains only the
   * from-scratch baseline of a spec with a target (a study pairs it with transfer runs of other
   * experiments); `options.trainingThreads` caps the worker's training threads.
   */
  start(input: unknown, options: { baselineOnly?: boolean; trainingThreads?: number } = {}): StartedExperiment {
    const spec = this.validate(input);
    if (options.baselineOnly && !spec.target?.baseline) throw new ExperimentError('a baseline-only experiment needs a target with baseline: true');
    const { store } = this.ctx;
    const reused = 'run' in spec.source ? this.reusableSourceRun(spec.source.run) : undefined;

    const { experimentId, phases } = store.transaction(() => {
      const experiment = store.experiments.create({ name: spec.name, spec });
      const phases: PhasePlan[] = [];
      const add = (role: RunRole, parentRunId: string | null): Run => {
        const run = store.runs.create({ experimentId: experiment.id, role, parentRunId, ownerPid: process.pid });
        phases.push({ role, runId: run.id, runDir: run.runDir ?? '' });
        return run;
      };
      const source = reused ?? add('source', null);
      if (spec.target) {
        const target = options.baselineOnly ? source : add('target', source.id);
        if (spec.target.baseline) add('baseline', target.id);
      }
      return { experimentId: experiment.id, phases };
    });
    for (const phase of phases) fs.mkdirSync(phase.runDir, { recursive: true });

    const job: Job = {
      experimentId,
      spec,
      phases,
      sourceModelDir: reused ? this.modelDir(reused) : undefined,
      dataFolder: this.ctx.dataFolder,
      appVersion: this.ctx.appVersion,
      // A study's planner shares the cores among its workers; otherwise the spec may ask.
      trainingThreads: options.trainingThreads ?? spec.trainingThreads,
    };
    const running = this.ctx.supervisor.start(job);
    return { experimentId, runs: phases.map((p) => ({ id: p.runId, role: p.role })), done: running.done };
  }

  /**
   * The saved model a spec reuses as its source (source.run), checked as start() checks it;
   * undefined when the spec trains its own source. Throws ExperimentError naming source.run.
   */
  reusedSourceModelDir(spec: ExperimentSpec): string | undefined {
    return 'run' in spec.source ? this.modelDir(this.reusableSourceRun(spec.source.run)) : undefined;
  }

  /** Asks the experiment's worker to stop; returns false when it is not running. */
  cancel(experimentId: string): boolean {
    const job = this.ctx.supervisor.get(experimentId);
    if (!job) return false;
    job.cancel();
    return true;
  }

  /**
   * Trains a completed run for `epochs` more epochs, as a new run of the same experiment and
   * role whose parent is that run; it starts from the run's last checkpoint (weights and
   * optimizer state) and numbers its epochs on from there.
   */
  async trainMore(runIdOrPrefix: string, epochs: number): Promise<StartedExperiment> {
    if (!Number.isInteger(epochs) || epochs < 1 || epochs > 10_000) {
      throw new ExperimentError(`epochs: expected a whole number from 1 to 10000, got ${epochs}`);
    }
    const run = this.requireRun(runIdOrPrefix);
    if (run.status !== 'completed') {
      throw new ExperimentError(`run ${run.id} is ${run.status}; train more continues a completed run (use resume for an interrupted, failed or cancelled one)`);
    }
    return this.continueRun(run, 'train-more', () => epochs);
  }

  /**
   * Continues an interrupted, failed or cancelled run from its last checkpoint, as a new run
   * (same experiment and role, parent = that run) that trains the epochs the run had left.
   * The old run keeps its status and history; the new one starts at the checkpoint's epoch + 1.
   */
  async resume(runIdOrPrefix: string): Promise<StartedExperiment> {
    const run = this.requireRun(runIdOrPrefix);
    if (!['interrupted', 'failed', 'cancelled'].includes(run.status)) {
      throw new ExperimentError(`run ${run.id} is ${run.status}; only an interrupted, failed or cancelled run can be resumed (use train more for a completed one)`);
    }
    return this.continueRun(run, 'resume', (info) => Math.max(0, info.plannedLastEpoch - info.epoch));
  }

  report(experimentId: string): ExperimentReport {
    return buildExperimentReport(this.ctx.store, experimentId);
  }

  private requireRun(idOrPrefix: string): Run {
    const { runs } = this.ctx.store;
    try {
      return runs.require(runs.resolveId(idOrPrefix));
    } catch (err) {
      throw new ExperimentError((err as Error).message);
    }
  }

  private async continueRun(
    run: Run,
    kind: Continuation['kind'],
    epochsFor: (info: NonNullable<Awaited<ReturnType<typeof readCheckpointInfo>>>) => number,
  ): Promise<StartedExperiment> {
    const { store, supervisor } = this.ctx;
    if (supervisor.get(run.experimentId)) {
      throw new ExperimentError(`experiment ${run.experimentId} is still running; wait for it to finish before continuing run ${run.id}`);
    }
    // A crash during a checkpoint write leaves temporary and .previous folders: tidy them first.
    if (run.runDir) tidyCheckpointFolder(run.runDir);
    const checkpointDir = run.runDir ? checkpointFolders(run.runDir).last : null;
    const info = checkpointDir ? await readCheckpointInfo(checkpointDir) : null;
    if (!checkpointDir || !info) {
      throw new ExperimentError(`run ${run.id} has no checkpoint to continue from (it finished no epoch, or was trained before checkpoints were kept)`);
    }
    this.reconcileHistory(run, info);
    const spec = parseExperimentSpec(store.experiments.require(run.experimentId).spec, `the spec of experiment ${run.experimentId}`);
    const continuation: Continuation = { kind, fromRunId: run.id, checkpointDir, epochs: epochsFor(info) };
    if (run.role === 'target' && spec.target?.regularization.kind === 'l2-sp') {
      const source = this.sourceRunOf(run);
      if (!source) throw new ExperimentError(`run ${run.id} uses L2-SP but its source run cannot be found`);
      continuation.sourceModelDir = this.modelDir(source);
    }
    const created = store.runs.create({ experimentId: run.experimentId, role: run.role, parentRunId: run.id, ownerPid: process.pid });
    const phase: PhasePlan = { role: created.role, runId: created.id, runDir: created.runDir ?? '' };
    fs.mkdirSync(phase.runDir, { recursive: true });
    const job: Job = {
      experimentId: run.experimentId,
      spec,
      phases: [phase],
      dataFolder: this.ctx.dataFolder,
      appVersion: this.ctx.appVersion,
      continuation,
      trainingThreads: spec.trainingThreads,
    };
    const running = supervisor.start(job);
    return { experimentId: run.experimentId, runs: [{ id: phase.runId, role: phase.role }], done: running.done };
  }

  /**
   * Makes the run's recorded history and its checkpoint agree before continuing from the
   * checkpoint. The worker writes a checkpoint before reporting its epoch, so a crash between
   * the two leaves the checkpoint one epoch ahead; that epoch's metrics are in the checkpoint
   * and are recorded now. A larger gap means epochs were trained without being recorded (by a
   * worker that outlived its supervisor, before workers ended with it): continuing would
   * claim epochs nobody recorded, so it is refused.
   */
  private reconcileHistory(run: Run, info: CheckpointInfo): void {
    const recorded = epochRows(this.ctx.store.metrics.curves(run.id)).map((e) => e.epoch);
    const continuation = run.hyperparams.continuation as { firstEpoch?: unknown } | undefined;
    const before = typeof continuation?.firstEpoch === 'number' ? continuation.firstEpoch - 1 : 0;
    const lastRecorded = recorded.length ? Math.max(...recorded) : before;
    if (info.epoch <= lastRecorded) return;
    if (info.epoch > lastRecorded + 1) {
      const missing = info.epoch - 1 === lastRecorded + 1 ? `epoch ${lastRecorded + 1} was` : `epochs ${lastRecorded + 1}–${info.epoch - 1} were`;
      throw new ExperimentError(
        `run ${run.id}'s checkpoint is at epoch ${info.epoch} but its recorded history ends at epoch ${lastRecorded}: ` +
          `${missing} trained without being recorded, so it cannot be continued faithfully; run the experiment again`,
      );
    }
    const m = info.metrics;
    const wallMs = Number.isFinite(Date.parse(info.savedAt)) ? Date.parse(info.savedAt) : Date.now();
    const values: [string, number | undefined][] = [
      ['loss', m.loss], ['accuracy', m.accuracy], ['val_loss', m.valLoss], ['val_accuracy', m.valAccuracy],
      ['samples_per_sec', m.samplesPerSec], ['epoch_ms', m.durationMs],
    ];
    this.ctx.store.metrics.appendMetrics(
      values
        .filter((v): v is [string, number] => typeof v[1] === 'number' && Number.isFinite(v[1]))
        .map(([name, value]) => ({ runId: run.id, epoch: info.epoch, step: null, name, value, wallMs })),
    );
  }

  /** The source run a target run descends from (through earlier continuations of it). */
  private sourceRunOf(run: Run): Run | undefined {
    let current: Run | null = run;
    for (let hops = 0; current && hops < 1000; hops++) {
      if (current.role === 'source') return current;
      current = current.parentRunId ? this.ctx.store.runs.get(current.parentRunId) : null;
    }
    return undefined;
  }

  private reusableSourceRun(idOrPrefix: string): Run {
    const { runs } = this.ctx.store;
    let id: string;
    try {
      id = runs.resolveId(idOrPrefix);
    } catch (err) {
      throw new ExperimentError(`source.run: ${(err as Error).message}`);
    }
    const run = runs.require(id);
    if (run.status !== 'completed') {
      throw new ExperimentError(`source.run: run ${run.id} is ${run.status}; only a completed run's model can be reused`);
    }
    this.modelDir(run);
    return run;
  }

  private modelDir(run: Run): string {
    const model = this.ctx.store.artifacts.list(run.id, 'model')[0];
    if (!model || !fs.existsSync(model.path)) {
      throw new ExperimentError(`source.run: run ${run.id} has no saved model on disk`);
    }
    return model.path;
  }
}
