// Experiments as use cases: validate a spec, start it (records + a worker job), cancel it,
// and report on it. Transport-free: the CLI, Electron IPC and browser mode all call this.
import fs from 'node:fs';
import { parseExperimentSpec, type ExperimentSpec } from '../engine/spec';
import type { Store, Run } from '../store';
import type { Supervisor, JobOutcome } from '../training/supervisor';
import type { Job, PhasePlan } from '../training/protocol';
import type { RunRole } from '../training/roles';
import { buildExperimentReport, type ExperimentReport } from './experiment-report';

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

  start(input: unknown): StartedExperiment {
    const spec = this.validate(input);
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
        const target = add('target', source.id);
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
    };
    const running = this.ctx.supervisor.start(job);
    return { experimentId, runs: phases.map((p) => ({ id: p.runId, role: p.role })), done: running.done };
  }

  /** Asks the experiment's worker to stop; returns false when it is not running. */
  cancel(experimentId: string): boolean {
    const job = this.ctx.supervisor.get(experimentId);
    if (!job) return false;
    job.cancel();
    return true;
  }

  report(experimentId: string): ExperimentReport {
    return buildExperimentReport(this.ctx.store, experimentId);
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
