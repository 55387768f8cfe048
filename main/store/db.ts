// Opens the database file: creates its folder, sets the pragmas every connection needs,
// brings the schema up to date, and marks runs whose owning process has died as
// 'interrupted' so nothing stays "running" forever after a crash.
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { migrate } from './migrate';
import { migrations } from './migrations';
import { StoreError } from './store-error';
import { isProcessAlive, isSameProcessAlive, processCommandLine, type ProcessIdentity } from './process-identity';

export { isProcessAlive } from './process-identity';
import { chooseSqliteBinding, isAbiMismatch } from './sqlite-binding';
import { appRoot } from '../paths';

export type { Database } from 'better-sqlite3';

export interface OpenOptions {
  /** Mark orphaned queued/running runs as interrupted (default true). */
  recoverOrphans?: boolean;
  /** Told which runs were just marked interrupted (so their folders can be tidied). */
  onInterrupted?: (runIds: string[]) => void;
}

export function openDatabase(file: string, options: OpenOptions = {}): Database {
  if (typeof file !== 'string' || file === '') {
    throw new StoreError('invalid', 'database path: expected a file path, got an empty value');
  }
  const inMemory = file === ':memory:';
  if (!inMemory) fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  let db: Database;
  const binding = chooseSqliteBinding(appRoot);
  try {
    db = new BetterSqlite3(file, binding.nativeBinding ? { nativeBinding: binding.nativeBinding } : {});
  } catch (err) {
    const hint = isAbiMismatch(err) && binding.hint ? ` (${binding.hint})` : '';
    throw new StoreError('schema', `cannot open database ${file}: ${(err as Error).message}${hint}`);
  }
  try {
    // busy_timeout first: switching to WAL needs a lock another process may hold briefly.
    db.pragma('busy_timeout = 5000');
    if (!inMemory) {
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal') throw new StoreError('schema', `${file}: could not switch to WAL journal mode (got ${String(mode)})`);
    }
    // NORMAL is durable across process crashes in WAL mode; only an OS crash or power loss
    // can lose the last transactions, and never corrupts the file.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db, migrations, file);
    if (options.recoverOrphans !== false) {
      const interrupted = markOrphanedRunsInterrupted(db);
      if (interrupted.length > 0) options.onInterrupted?.(interrupted);
    }
    return db;
  } catch (err) {
    db.close();
    if (err instanceof StoreError) throw err;
    throw new StoreError('schema', `cannot open database ${file}: ${(err as Error).message}`);
  }
}

/** The runs still queued or running, with who was writing them. */
interface LiveRunOwner {
  id: string;
  ownerPid: number | null;
  ownerStartedAt: number | null;
  workerPid: number | null;
  workerStartedAt: number | null;
}

/**
 * Marks queued/running runs whose owner (the supervisor process that records them) is gone
 * as 'interrupted'; returns their ids. A run's training worker that outlived its owner (it
 * should not: workers end when their parent goes) is stopped, once its pid, start time and
 * command line show it is that worker and not a process that reused the pid.
 */
export function markOrphanedRunsInterrupted(db: Database, now: number = Date.now()): string[] {
  const candidates = db
    .prepare(`SELECT id, owner_pid AS ownerPid, owner_started_at AS ownerStartedAt, worker_pid AS workerPid,
        worker_started_at AS workerStartedAt FROM runs WHERE status IN ('queued', 'running')`)
    .all() as LiveRunOwner[];
  const orphans = candidates.filter((r) => r.ownerPid === null || !isSameProcessAlive({ pid: r.ownerPid, startedAt: r.ownerStartedAt }));
  if (orphans.length === 0) return [];
  // The status condition is repeated so a run its owner finished meanwhile is left alone.
  const update = db.prepare(`
    UPDATE runs SET status = 'interrupted', ended_at = @now,
      error = coalesce(error, @error)
    WHERE id = @id AND status IN ('queued', 'running')`);
  const marked: string[] = [];
  db.transaction(() => {
    for (const r of orphans) {
      const error = r.ownerPid === null
        ? 'Interrupted: no process owned this run when the database was opened.'
        : `Interrupted: the process that owned this run (pid ${r.ownerPid}) ended before the run finished.`;
      if (update.run({ id: r.id, now, error }).changes > 0) marked.push(r.id);
    }
  }).immediate();
  for (const r of orphans) if (r.workerPid !== null) stopSurvivingWorker({ pid: r.workerPid, startedAt: r.workerStartedAt });
  return marked;
}

/** The file every training worker runs (dist/main/worker.js): its command line names it. */
const WORKER_COMMAND = /[\\/]worker\.js\b/;

/** Stops a training worker left behind by a dead supervisor; returns whether it signalled one. */
export function stopSurvivingWorker(worker: ProcessIdentity): boolean {
  if (worker.pid === process.pid || !isProcessAlive(worker.pid)) return false;
  // Only a process that started when the worker did and runs the worker file is ours to stop.
  if (worker.startedAt === null || !isSameProcessAlive(worker)) return false;
  const commandLine = processCommandLine(worker.pid);
  if (commandLine === null || !WORKER_COMMAND.test(commandLine)) return false;
  try {
    process.kill(worker.pid, 'SIGKILL');
    return true;
  } catch {
    return false;
  }
}
