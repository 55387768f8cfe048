// Studies: their spec and status, the cells they compare and the experiments they run (see
// migration 0003). The study service writes them; faces read them through it.
import type { Database } from 'better-sqlite3';
import { newId } from './ids';
import { fromJson, toJson } from './json-columns';
import { StoreError } from './store-error';
import { isSameProcessAlive, ownIdentity } from './process-identity';

export type StudyStatus = 'running' | 'completed' | 'failed' | 'cancelled' | 'interrupted';
export type StudyExperimentStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';
export type StudyExperimentKind = 'source' | 'baseline' | 'transfer';

export interface StudyRow {
  id: string;
  name: string;
  spec: unknown;
  status: StudyStatus;
  createdAt: number;
  endedAt: number | null;
  concurrency: number | null;
  trainingThreads: number | null;
  error: string | null;
}

export interface StudyCellRow {
  key: string;
  label: string;
  settings: unknown;
  frozenDepth: number;
  targetPerClass: number | null;
  trainableParams: number | null;
}

export interface StudyExperimentRow {
  key: string;
  kind: StudyExperimentKind;
  seed: number;
  cellKey: string | null;
  sourceKey: string | null;
  baselineKey: string | null;
  spec: unknown;
  status: StudyExperimentStatus;
  experimentId: string | null;
  runId: string | null;
  error: string | null;
}

export interface NewStudy {
  name: string;
  spec: unknown;
  cells: StudyCellRow[];
  experiments: Omit<StudyExperimentRow, 'status' | 'experimentId' | 'runId' | 'error'>[];
}

interface StudyDbRow {
  id: string; name: string; spec_json: string; status: StudyStatus; created_at: number; ended_at: number | null;
  concurrency: number | null; training_threads: number | null; owner_pid: number | null; owner_started_at: number | null; error: string | null;
}

const toStudy = (r: StudyDbRow): StudyRow => ({
  id: r.id, name: r.name, spec: fromJson(r.spec_json), status: r.status, createdAt: r.created_at, endedAt: r.ended_at,
  concurrency: r.concurrency, trainingThreads: r.training_threads, error: r.error,
});

export class StudiesRepository {
  constructor(private readonly db: Database) {}

  /** Records a study, its cells and its experiments (all pending), owned by this process. */
  create(study: NewStudy, now = Date.now()): StudyRow {
    const id = newId(now);
    const owner = ownIdentity();
    this.db.transaction(() => {
      this.db.prepare(`INSERT INTO studies (id, name, spec_json, status, created_at, owner_pid, owner_started_at)
        VALUES (?, ?, ?, 'running', ?, ?, ?)`).run(id, study.name, toJson(study.spec, 'spec'), now, owner.pid, owner.startedAt);
      const cell = this.db.prepare(`INSERT INTO study_cells (study_id, key, position, label, settings_json, frozen_depth, target_per_class, trainable_params)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
      study.cells.forEach((c, i) => cell.run(id, c.key, i, c.label, toJson(c.settings, 'settings'), c.frozenDepth, c.targetPerClass, c.trainableParams));
      const experiment = this.db.prepare(`INSERT INTO study_experiments (study_id, key, position, kind, seed, cell_key, source_key, baseline_key, spec_json, status)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')`);
      study.experiments.forEach((e, i) => experiment.run(id, e.key, i, e.kind, e.seed, e.cellKey, e.sourceKey, e.baselineKey, toJson(e.spec, 'spec')));
    }).immediate();
    return this.require(id);
  }

  get(id: string): StudyRow | null {
    this.markInterrupted(id);
    const row = this.db.prepare('SELECT * FROM studies WHERE id = ?').get(id) as StudyDbRow | undefined;
    return row ? toStudy(row) : null;
  }

  require(id: string): StudyRow {
    const study = this.get(id);
    if (!study) throw new StoreError('not-found', `no study with id ${id}`);
    return study;
  }

  /** Accepts a whole id or an unambiguous start of one. */
  resolveId(prefix: string): string {
    const clean = prefix.trim().toLowerCase();
    if (clean === '') throw new StoreError('invalid', 'study id: expected an id or the start of one, got an empty string');
    const ids = this.db.prepare(`SELECT id FROM studies WHERE id LIKE ? ESCAPE '\\' ORDER BY id LIMIT 2`)
      .pluck().all(`${clean.replace(/[\\%_]/g, (c) => `\\${c}`)}%`) as string[];
    if (ids.length === 0) throw new StoreError('not-found', `no study id starts with "${clean}"`);
    if (ids.length > 1 && ids[0] !== clean) throw new StoreError('invalid', `study id "${clean}" is ambiguous: type more characters`);
    return ids[0];
  }

  list(limit = 200): StudyRow[] {
    this.markInterrupted();
    return (this.db.prepare('SELECT * FROM studies ORDER BY created_at DESC, rowid DESC LIMIT ?').all(limit) as StudyDbRow[]).map(toStudy);
  }

  cells(studyId: string): StudyCellRow[] {
    return (this.db.prepare('SELECT * FROM study_cells WHERE study_id = ? ORDER BY position').all(studyId) as {
      key: string; label: string; settings_json: string; frozen_depth: number; target_per_class: number | null; trainable_params: number | null;
    }[]).map((r) => ({ key: r.key, label: r.label, settings: fromJson(r.settings_json), frozenDepth: r.frozen_depth, targetPerClass: r.target_per_class, trainableParams: r.trainable_params }));
  }

  experiments(studyId: string): StudyExperimentRow[] {
    return (this.db.prepare('SELECT * FROM study_experiments WHERE study_id = ? ORDER BY position').all(studyId) as {
      key: string; kind: StudyExperimentKind; seed: number; cell_key: string | null; source_key: string | null; baseline_key: string | null;
      spec_json: string; status: StudyExperimentStatus; experiment_id: string | null; run_id: string | null; error: string | null;
    }[]).map((r) => ({
      key: r.key, kind: r.kind, seed: r.seed, cellKey: r.cell_key, sourceKey: r.source_key, baselineKey: r.baseline_key,
      spec: fromJson(r.spec_json), status: r.status, experimentId: r.experiment_id, runId: r.run_id, error: r.error,
    }));
  }

  updateExperiment(studyId: string, key: string, patch: { status: StudyExperimentStatus; experimentId?: string | null; runId?: string | null; error?: string | null }): void {
    this.db.prepare(`UPDATE study_experiments SET status = @status,
        experiment_id = CASE WHEN @setExperiment THEN @experimentId ELSE experiment_id END,
        run_id = CASE WHEN @setRun THEN @runId ELSE run_id END,
        error = @error
      WHERE study_id = @studyId AND key = @key`).run({
      studyId, key, status: patch.status, error: patch.error ?? null,
      setExperiment: patch.experimentId !== undefined ? 1 : 0, experimentId: patch.experimentId ?? null,
      setRun: patch.runId !== undefined ? 1 : 0, runId: patch.runId ?? null,
    });
  }

  /** The study runs (again) in this process, with this schedule; its unfinished experiments are pending. */
  claim(studyId: string, concurrency: number, trainingThreads: number): void {
    const owner = ownIdentity();
    this.db.transaction(() => {
      this.db.prepare(`UPDATE studies SET status = 'running', ended_at = NULL, error = NULL, concurrency = ?, training_threads = ?,
        owner_pid = ?, owner_started_at = ? WHERE id = ?`).run(concurrency, trainingThreads, owner.pid, owner.startedAt, studyId);
      this.db.prepare(`UPDATE study_experiments SET status = 'pending', error = NULL WHERE study_id = ? AND status != 'completed'`).run(studyId);
    }).immediate();
  }

  finish(studyId: string, status: Exclude<StudyStatus, 'running'>, error: string | null = null, now = Date.now()): void {
    this.db.prepare('UPDATE studies SET status = ?, ended_at = ?, error = ? WHERE id = ?').run(status, now, error, studyId);
  }

  delete(studyId: string): boolean {
    return this.db.prepare('DELETE FROM studies WHERE id = ?').run(studyId).changes > 0;
  }

  /** Studies left running by a process that is gone read as interrupted. */
  private markInterrupted(studyId?: string): void {
    const running = this.db.prepare(`SELECT id, owner_pid, owner_started_at FROM studies WHERE status = 'running'${studyId ? ' AND id = ?' : ''}`)
      .all(...(studyId ? [studyId] : [])) as { id: string; owner_pid: number | null; owner_started_at: number | null }[];
    for (const s of running) {
      if (s.owner_pid !== null && isSameProcessAlive({ pid: s.owner_pid, startedAt: s.owner_started_at })) continue;
      this.db.transaction(() => {
        this.db.prepare(`UPDATE studies SET status = 'interrupted', ended_at = ? WHERE id = ? AND status = 'running'`).run(Date.now(), s.id);
        this.db.prepare(`UPDATE study_experiments SET status = 'pending' WHERE study_id = ? AND status = 'running'`).run(s.id);
      }).immediate();
    }
  }
}
