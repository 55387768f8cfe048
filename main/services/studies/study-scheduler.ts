// Runs a study's experiments: several at once, each in its own worker process, sources before
// the experiments that need them, and stops them all on cancel. The planner decides both how
// many run at once and how many training threads each gets, so that concurrency × threads never
// exceeds the cores. What finished is recorded as it finishes: an interrupted study resumes
// with only what is left (StudiesRepository.claim).
import type { ExperimentService } from '../experiments';
import type { StudiesRepository, StudyExperimentRow, StudyStatus } from '../../store/studies';
import { parseExperimentSpec } from '@contract/spec';
import { withSourceRun } from './study-plan';
import { progressOf } from './study-report';

export interface Schedule {
  concurrency: number;
  trainingThreads: number;
}

/** At most 8 threads per job (trainingThreads' own cap); a request beyond the cores is cut to them. */
export function planSchedule(cores: number, experiments: number, requested?: number): Schedule {
  const available = Math.max(1, Math.floor(cores));
  const concurrency = Math.max(1, Math.min(requested ?? available, available, Math.max(1, experiments)));
  return { concurrency, trainingThreads: Math.max(1, Math.min(8, Math.floor(available / concurrency))) };
}

export interface StudyProgress {
  studyId: string;
  done: number;
  failed: number;
  running: number;
  total: number;
  cellsDone: number;
  cells: number;
  /** Estimated milliseconds left, from the pace of this session; null until one experiment finished. */
  etaMs: number | null;
}

const runRoleOf = { source: 'source', baseline: 'baseline', transfer: 'target' } as const;

export class StudyRunner {
  readonly done: Promise<StudyStatus>;
  private cancelled = false;
  private readonly running = new Map<string, string>(); // row key → experiment id
  private wake: () => void = () => undefined;
  private readonly startedAt = Date.now();
  private finishedHere = 0;

  constructor(
    private readonly studyId: string,
    private readonly schedule: Schedule,
    private readonly deps: { experiments: ExperimentService; studies: StudiesRepository },
    private readonly onProgress: (progress: StudyProgress) => void,
  ) {
    this.done = this.loop();
  }

  /** Stops every running experiment (each keeps what it recorded) and starts no more. */
  cancel(): void {
    this.cancelled = true;
    for (const experimentId of this.running.values()) this.deps.experiments.cancel(experimentId);
    this.wake();
  }

  private rows(): StudyExperimentRow[] {
    return this.deps.studies.experiments(this.studyId);
  }

  private async loop(): Promise<StudyStatus> {
    const { studies } = this.deps;
    const inFlight = new Set<Promise<void>>();
    for (;;) {
      const rows = this.rows();
      const byKey = new Map(rows.map((r) => [r.key, r]));
      // An experiment whose source failed cannot run: say why, once.
      for (const row of rows) {
        const source = row.sourceKey ? byKey.get(row.sourceKey) : undefined;
        if (row.status === 'pending' && source?.status === 'failed') {
          studies.updateExperiment(this.studyId, row.key, { status: 'failed', error: `its source (seed ${row.seed}) failed: ${source.error ?? 'see that run'}` });
          row.status = 'failed';
        }
      }
      const ready = this.cancelled ? [] : rows.filter((r) => r.status === 'pending' && (!r.sourceKey || byKey.get(r.sourceKey)?.status === 'completed'))
        // Sources first: every other experiment of their seed waits for them.
        .sort((a, b) => Number(b.kind === 'source') - Number(a.kind === 'source'));
      while (ready.length > 0 && this.running.size < this.schedule.concurrency) {
        const row = ready.shift()!;
        const launched: Promise<void> = this.launch(row, byKey).finally(() => inFlight.delete(launched));
        inFlight.add(launched);
      }
      if (inFlight.size === 0) break;
      this.report(this.rows());
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        void Promise.race(inFlight).then(resolve);
      });
    }
    const rows = this.rows();
    this.report(rows);
    const failed = rows.filter((r) => r.status === 'failed');
    const status: StudyStatus = this.cancelled ? 'cancelled' : failed.length > 0 ? 'failed' : 'completed';
    studies.finish(this.studyId, status, failed.length > 0 ? `${failed.length} of ${rows.length} experiments failed; first: ${failed[0].error ?? 'unknown'}` : null);
    return status;
  }

  private async launch(row: StudyExperimentRow, byKey: Map<string, StudyExperimentRow>): Promise<void> {
    const { studies, experiments } = this.deps;
    const sourceRunId = row.sourceKey ? byKey.get(row.sourceKey)?.runId : undefined;
    let started;
    try {
      const spec = parseExperimentSpec(row.spec, `study experiment ${row.key}`);
      started = experiments.start(sourceRunId ? withSourceRun(spec, sourceRunId) : spec, {
        baselineOnly: row.kind === 'baseline',
        trainingThreads: this.schedule.trainingThreads,
      });
    } catch (err) {
      studies.updateExperiment(this.studyId, row.key, { status: 'failed', error: (err as Error).message });
      this.finishedHere++;
      return;
    }
    const runId = started.runs.find((r) => r.role === runRoleOf[row.kind])?.id ?? null;
    this.running.set(row.key, started.experimentId);
    studies.updateExperiment(this.studyId, row.key, { status: 'running', experimentId: started.experimentId, runId });
    const outcome = await started.done;
    this.running.delete(row.key);
    this.finishedHere++;
    studies.updateExperiment(this.studyId, row.key, { status: outcome.status, error: outcome.error ?? null });
  }

  private lastReported = '';

  private report(rows: StudyExperimentRow[]): void {
    const done = rows.filter((r) => r.status === 'completed').length;
    const failed = rows.filter((r) => r.status === 'failed').length;
    const left = rows.length - done - failed;
    const elapsed = Date.now() - this.startedAt;
    // Concurrent experiments finish in parallel: the pace seen so far already includes that.
    const etaMs = this.finishedHere > 0 && left > 0 ? Math.round((elapsed / this.finishedHere) * left) : left === 0 ? 0 : null;
    const key = `${done}/${failed}/${this.running.size}`;
    if (key === this.lastReported) return;
    this.lastReported = key;
    const { cellsDone, cells } = progressOf(rows);
    this.onProgress({ studyId: this.studyId, done, failed, running: this.running.size, total: rows.length, cellsDone, cells, etaMs });
  }
}
