// Tags: short user labels on runs, unique per run. Tags are trimmed; case is kept.
import type { Database, Statement } from 'better-sqlite3';
import { StoreError } from './store-error';

export const MAX_TAG_LENGTH = 64;

function cleanTag(tag: string): string {
  const clean = typeof tag === 'string' ? tag.trim() : '';
  if (clean === '' || clean.length > MAX_TAG_LENGTH) {
    throw new StoreError('invalid', `tag: expected 1 to ${MAX_TAG_LENGTH} characters, got ${JSON.stringify(tag)}`);
  }
  return clean;
}

export class TagsRepository {
  private readonly addStmt: Statement;
  private readonly removeStmt: Statement;
  private readonly listStmt: Statement;
  private readonly countsStmt: Statement;

  constructor(db: Database) {
    this.addStmt = db.prepare('INSERT INTO run_tags (run_id, tag) VALUES (?, ?) ON CONFLICT DO NOTHING');
    this.removeStmt = db.prepare('DELETE FROM run_tags WHERE run_id = ? AND tag = ?');
    this.listStmt = db.prepare('SELECT tag FROM run_tags WHERE run_id = ? ORDER BY tag').pluck(true);
    this.countsStmt = db.prepare('SELECT tag, count(*) AS runs FROM run_tags GROUP BY tag ORDER BY tag');
  }

  /** Adds the tag; adding one the run already has changes nothing. Returns the run's tags. */
  add(runId: string, tag: string): string[] {
    try {
      this.addStmt.run(runId, cleanTag(tag));
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw new StoreError('not-found', `tag: run ${runId} not found`);
      throw err;
    }
    return this.list(runId);
  }

  /** Removes the tag if present. Returns the run's tags. */
  remove(runId: string, tag: string): string[] {
    this.removeStmt.run(runId, cleanTag(tag));
    return this.list(runId);
  }

  /** The run's tags, sorted. */
  list(runId: string): string[] {
    return this.listStmt.all(runId) as string[];
  }

  /** Every tag in use and how many runs carry it (for a tag filter menu). */
  counts(): { tag: string; runs: number }[] {
    return this.countsStmt.all() as { tag: string; runs: number }[];
  }
}
