// Brings a database file up to the newest schema. Each migration runs in its own
// IMMEDIATE transaction together with the `PRAGMA user_version` bump, so a crash leaves
// the file at either the old or the new version, never in between, and two processes
// opening the same file at once cannot both apply the same migration.
import type { Database } from 'better-sqlite3';
import { StoreError } from './store-error';

export interface Migration {
  /** The user_version this migration produces; migrations are numbered 1, 2, 3, … */
  version: number;
  /** A few words, e.g. "initial schema". */
  name: string;
  up(db: Database): void;
}

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Applies every migration newer than the file's user_version; returns the versions applied. */
export function migrate(db: Database, migrations: readonly Migration[], origin = 'database'): number[] {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(`migration list is out of order: position ${i + 1} holds version ${m.version} (${m.name})`);
    }
  });
  const latest = migrations.length;
  const current = schemaVersion(db);
  if (current > latest) {
    throw new StoreError(
      'schema',
      `${origin} has schema version ${current}, newer than this version of Transfer Lab supports (${latest}); update the app`,
    );
  }
  const applied: number[] = [];
  for (const m of migrations.slice(current)) {
    const apply = db.transaction(() => {
      // Re-read inside the write lock: another process may have migrated meanwhile.
      if (schemaVersion(db) >= m.version) return false;
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
      return true;
    });
    try {
      if (apply.immediate()) applied.push(m.version);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new StoreError('schema', `${origin}: migration ${m.version} (${m.name}) failed and was rolled back: ${reason}`);
    }
  }
  return applied;
}
