// The store: one database connection and the repositories over it. The process that owns
// the training supervisor is the single writer; other processes (CLI) may open the same
// file to read, and WAL mode lets them read while it writes.
import path from 'node:path';
import { openDatabase } from './db';
import type { Database, OpenOptions } from './db';
import { ArtifactsRepository } from './artifacts';
import { EvaluationsRepository } from './evaluations';
import { ExperimentsRepository } from './experiments';
import { defaultDatabasePath } from './location';
import { MetricsRepository } from './metrics';
import type { Run } from './run-row';
import { RunsRepository } from './runs';
import { deleteWithFolders, sweepDeletedRunFolders, type RunFolder } from './run-deletion';
import { TagsRepository } from './tags';

export class Store {
  readonly experiments: ExperimentsRepository;
  readonly runs: RunsRepository;
  readonly metrics: MetricsRepository;
  readonly evaluations: EvaluationsRepository;
  readonly artifacts: ArtifactsRepository;
  readonly tags: TagsRepository;

  /**
   * @param db an open, migrated connection (see openDatabase)
   * @param dataFolder the folder holding runs/<runId> artifact folders; null for none
   */
  constructor(readonly db: Database, readonly dataFolder: string | null) {
    this.experiments = new ExperimentsRepository(db);
    this.runs = new RunsRepository(db, dataFolder);
    this.metrics = new MetricsRepository(db);
    this.evaluations = new EvaluationsRepository(db);
    this.artifacts = new ArtifactsRepository(db);
    this.tags = new TagsRepository(db);
  }

  /** Runs `fn` in one write transaction (nested calls become savepoints). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /**
   * Deletes a run: its rows and its artifact folder, all or nothing (see run-deletion.ts).
   * Throws StoreError 'conflict', deleting nothing, when the folder is in use.
   */
  deleteRun(id: string): Run | null {
    const run = this.runs.get(id);
    if (!run) return null;
    return deleteWithFolders(this.dataFolder, [{ runId: run.id, runDir: run.runDir }], () => this.runs.delete(id));
  }

  /** Deletes an experiment with all of its runs and their folders, all or nothing. */
  deleteExperiment(experimentId: string): boolean {
    const runs = this.db.prepare('SELECT id AS runId, run_dir AS runDir FROM runs WHERE experiment_id = ?').all(experimentId) as RunFolder[];
    return deleteWithFolders(this.dataFolder, runs, () => this.transaction(() => this.experiments.delete(experimentId)));
  }

  get isOpen(): boolean {
    return this.db.open;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/**
 * Opens (creating if needed) the database at `file`, default <data folder>/transfer-lab.sqlite.
 * Run artifact folders go next to it, in runs/<runId>; ':memory:' gets no run folders.
 */
export function createStore(file: string = defaultDatabasePath(), options: OpenOptions = {}): Store {
  const db = openDatabase(file, options);
  const dataFolder = file === ':memory:' ? null : path.dirname(path.resolve(file));
  if (dataFolder !== null) sweepDeletedRunFolders(dataFolder);
  return new Store(db, dataFolder);
}
