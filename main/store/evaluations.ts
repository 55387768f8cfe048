// Evaluations: one per (run, split), replaced when the run is evaluated again. Saving the
// 'test' split also updates runs.test_accuracy in the same transaction, so the copy used
// for sorting lists can never disagree with the evaluation it came from.
import type { Database, Statement } from 'better-sqlite3';
import type { ClassMetrics, Misclassified } from '@contract/results';
import { fromJson, toJson } from './json-columns';
import { StoreError } from './store-error';

// Per-class metrics and misclassified samples are stored as the contract declares them.
export type { ClassMetrics };

export interface ConfusionMatrix {
  /** Class names in row/column order. */
  labels: string[];
  /** matrix[actual][predicted] = count. */
  matrix: number[][];
}

/** A misclassified sample: `id` is its stable id from the dataset (Split.ids). */
export type MisclassifiedExample = Misclassified;

export interface NewEvaluation {
  runId: string;
  /** 'test' feeds runs.test_accuracy; others (e.g. 'validation') are kept as they are. */
  split: string;
  accuracy: number;
  loss?: number | null;
  perClass: ClassMetrics[];
  confusion: ConfusionMatrix;
  misclassified?: MisclassifiedExample[];
}

export interface Evaluation {
  id: number;
  runId: string;
  split: string;
  accuracy: number;
  loss: number | null;
  perClass: ClassMetrics[];
  confusion: ConfusionMatrix;
  misclassified: MisclassifiedExample[];
  createdAt: number;
}

interface EvaluationRow {
  id: number;
  run_id: string;
  split: string;
  accuracy: number;
  loss: number | null;
  per_class_json: string;
  confusion_json: string;
  misclassified_json: string;
  created_at: number;
}

function toEvaluation(row: EvaluationRow): Evaluation {
  return {
    id: row.id,
    runId: row.run_id,
    split: row.split,
    accuracy: row.accuracy,
    loss: row.loss,
    perClass: fromJson<ClassMetrics[]>(row.per_class_json),
    confusion: fromJson<ConfusionMatrix>(row.confusion_json),
    misclassified: fromJson<MisclassifiedExample[]>(row.misclassified_json),
    createdAt: row.created_at,
  };
}

export class EvaluationsRepository {
  private readonly upsertStmt: Statement;
  private readonly testAccuracyStmt: Statement;
  private readonly getStmt: Statement;
  private readonly listStmt: Statement;

  constructor(private readonly db: Database) {
    this.upsertStmt = db.prepare(`
      INSERT INTO evaluations (run_id, split, accuracy, loss, per_class_json, confusion_json, misclassified_json, created_at)
      VALUES (@runId, @split, @accuracy, @loss, @perClass, @confusion, @misclassified, @createdAt)
      ON CONFLICT (run_id, split) DO UPDATE SET accuracy = excluded.accuracy, loss = excluded.loss,
        per_class_json = excluded.per_class_json, confusion_json = excluded.confusion_json,
        misclassified_json = excluded.misclassified_json, created_at = excluded.created_at`);
    this.testAccuracyStmt = db.prepare('UPDATE runs SET test_accuracy = ? WHERE id = ?');
    this.getStmt = db.prepare('SELECT * FROM evaluations WHERE run_id = ? AND split = ?');
    this.listStmt = db.prepare('SELECT * FROM evaluations WHERE run_id = ? ORDER BY split');
  }

  /** Stores (or replaces) the run's evaluation on this split. */
  save(input: NewEvaluation): Evaluation {
    if (typeof input.split !== 'string' || input.split === '') throw new StoreError('invalid', 'evaluation split: expected a name such as "test"');
    if (typeof input.accuracy !== 'number' || !(input.accuracy >= 0 && input.accuracy <= 1)) {
      throw new StoreError('invalid', `evaluation accuracy: expected a number from 0 to 1, got ${input.accuracy}`);
    }
    if (!Array.isArray(input.perClass)) throw new StoreError('invalid', 'evaluation perClass: expected an array of per-class metrics');
    if (!input.confusion || !Array.isArray(input.confusion.matrix)) {
      throw new StoreError('invalid', 'evaluation confusion: expected { labels, matrix }');
    }
    const loss = input.loss == null || Number.isNaN(input.loss) ? null : input.loss;
    try {
      this.db.transaction(() => {
        this.upsertStmt.run({
          runId: input.runId,
          split: input.split,
          accuracy: input.accuracy,
          loss,
          perClass: toJson(input.perClass, 'evaluation perClass'),
          confusion: toJson(input.confusion, 'evaluation confusion'),
          misclassified: toJson(input.misclassified ?? [], 'evaluation misclassified'),
          createdAt: Date.now(),
        });
        if (input.split === 'test') this.testAccuracyStmt.run(input.accuracy, input.runId);
      })();
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
        throw new StoreError('not-found', `evaluation: run ${input.runId} not found`);
      }
      throw err;
    }
    return this.get(input.runId, input.split)!;
  }

  get(runId: string, split = 'test'): Evaluation | null {
    const row = this.getStmt.get(runId, split) as EvaluationRow | undefined;
    return row ? toEvaluation(row) : null;
  }

  /** All of a run's evaluations, by split name. */
  list(runId: string): Evaluation[] {
    return (this.listStmt.all(runId) as EvaluationRow[]).map(toEvaluation);
  }
}
