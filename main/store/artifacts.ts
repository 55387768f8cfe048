// Artifacts: files a run produced (saved model, checkpoints, logs), one row per path.
import type { Database, Statement } from 'better-sqlite3';
import fs from 'node:fs';
import { StoreError } from './store-error';

/** Known kinds; the column accepts any non-empty name so a new kind needs no migration. */
export type ArtifactKind = 'model' | 'checkpoint' | 'log' | 'export' | (string & {});

export interface NewArtifact {
  runId: string;
  kind: ArtifactKind;
  /** Absolute path of the file or folder. */
  path: string;
  /** Defaults to the size of the file at `path` (which must then exist). */
  sizeBytes?: number | null;
}

export interface Artifact {
  id: number;
  runId: string;
  kind: ArtifactKind;
  path: string;
  sizeBytes: number | null;
  createdAt: number;
}

interface ArtifactRow {
  id: number;
  run_id: string;
  kind: string;
  path: string;
  size_bytes: number | null;
  created_at: number;
}

function toArtifact(row: ArtifactRow): Artifact {
  return { id: row.id, runId: row.run_id, kind: row.kind, path: row.path, sizeBytes: row.size_bytes, createdAt: row.created_at };
}

export class ArtifactsRepository {
  private readonly upsertStmt: Statement;
  private readonly getStmt: Statement;
  private readonly listStmt: Statement;
  private readonly listKindStmt: Statement;

  constructor(db: Database) {
    this.upsertStmt = db.prepare(`
      INSERT INTO artifacts (run_id, kind, path, size_bytes, created_at) VALUES (@runId, @kind, @path, @sizeBytes, @createdAt)
      ON CONFLICT (run_id, path) DO UPDATE SET kind = excluded.kind, size_bytes = excluded.size_bytes, created_at = excluded.created_at`);
    this.getStmt = db.prepare('SELECT * FROM artifacts WHERE run_id = ? AND path = ?');
    this.listStmt = db.prepare('SELECT * FROM artifacts WHERE run_id = ? ORDER BY created_at, id');
    this.listKindStmt = db.prepare('SELECT * FROM artifacts WHERE run_id = ? AND kind = ? ORDER BY created_at, id');
  }

  /** Records a file the run produced; recording the same path again updates it. */
  add(input: NewArtifact): Artifact {
    if (typeof input.kind !== 'string' || input.kind === '') throw new StoreError('invalid', 'artifact kind: expected a name such as "model"');
    if (typeof input.path !== 'string' || input.path === '') throw new StoreError('invalid', 'artifact path: expected a file path');
    let sizeBytes = input.sizeBytes;
    if (sizeBytes === undefined) {
      try {
        sizeBytes = fs.statSync(input.path).size;
      } catch (err) {
        throw new StoreError('invalid', `artifact ${input.path}: cannot read its size (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      }
    }
    try {
      this.upsertStmt.run({ runId: input.runId, kind: input.kind, path: input.path, sizeBytes, createdAt: Date.now() });
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw new StoreError('not-found', `artifact: run ${input.runId} not found`);
      throw err;
    }
    return toArtifact(this.getStmt.get(input.runId, input.path) as ArtifactRow);
  }

  list(runId: string, kind?: ArtifactKind): Artifact[] {
    const rows = (kind === undefined ? this.listStmt.all(runId) : this.listKindStmt.all(runId, kind)) as ArtifactRow[];
    return rows.map(toArtifact);
  }
}
