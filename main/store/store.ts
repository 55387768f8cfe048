// The store: one database connection and the repositories over it. The process that owns
// the training supervisor is the single writer; other processes (CLI) may open the same
// file to read, and WAL mode lets them read while it writes.
import fs from 'node:fs';
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
   * Deletes a run's rows and then its artifact folder. The folder is removed only when it
   * lies inside this store's runs folder, so a bad run_dir can never delete anything else.
   */
  deleteRun(id: string): Run | null {
    const run = this.runs.delete(id);
    if (run?.runDir && this.dataFolder) {
      const runsRoot = path.resolve(this.dataFolder, 'runs');
      const dir = path.resolve(run.runDir);
      if (dir.startsWith(runsRoot + path.sep)) fs.rmSync(dir, { recursive: true, force: true });
    }
    return run;
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
  return new Store(db, file === ':memory:' ? null : path.dirname(path.resolve(file)));
}
