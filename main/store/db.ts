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
import { chooseSqliteBinding, isAbiMismatch } from './sqlite-binding';
import { appRoot } from '../paths';

export type { Database } from 'better-sqlite3';

export interface OpenOptions {
  /** Mark orphaned queued/running runs as interrupted (default true). */
  recoverOrphans?: boolean;
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
    if (options.recoverOrphans !== false) markOrphanedRunsInterrupted(db);
    return db;
  } catch (err) {
    db.close();
    if (err instanceof StoreError) throw err;
    throw new StoreError('schema', `cannot open database ${file}: ${(err as Error).message}`);
  }
}

/**
 * True when a process with this pid exists. EPERM means it exists but belongs to another
 * user. Caveat: after a crash the OS may reuse the pid for an unrelated process; such a run
 * then stays 'running' until that process ends too.
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Marks queued/running runs whose owner process is gone as 'interrupted'; returns their ids. */
export function markOrphanedRunsInterrupted(db: Database, now: number = Date.now()): string[] {
  const candidates = db
    .prepare(`SELECT id, owner_pid AS ownerPid FROM runs WHERE status IN ('queued', 'running')`)
    .all() as { id: string; ownerPid: number | null }[];
  const orphans = candidates.filter((r) => r.ownerPid === null || !isProcessAlive(r.ownerPid));
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
  return marked;
}
