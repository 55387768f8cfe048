// Experiments: one spec each, plus the transfer outcome once its runs have finished.
import type { Database, Statement } from 'better-sqlite3';
import { newId } from './ids';
import { fromJson, toJson, toJsonOrNull } from './json-columns';
import { StoreError } from './store-error';

/** The transfer outcome of an experiment, stored in experiments.result_json. */
export interface TransferResult {
  targetRunId: string;
  baselineRunId: string | null;
  targetAccuracy: number;
  baselineAccuracy: number | null;
  /** targetAccuracy − baselineAccuracy; null without a baseline. */
  transferGain: number | null;
  /** First epoch at which the target run reached the baseline's final accuracy; null if never. */
  epochReachingBaseline?: number | null;
  /** The curve epochReachingBaseline compares (absent in results recorded before it was kept). */
  reachedOn?: 'validation' | 'training';
  /** Test images both models were evaluated on. */
  testCount?: number;
  /** 95 % paired-bootstrap interval of the gain over the test images. */
  interval?: { low: number; high: number; level: number; resamples: number } | null;
}

export interface Experiment {
  id: string;
  name: string;
  /** The parsed spec JSON as stored; validate it (parseExperimentSpec) before trusting it. */
  spec: unknown;
  createdAt: number;
  result: TransferResult | null;
  transferGain: number | null;
}

export interface NewExperiment {
  name: string;
  spec: unknown;
  /** Defaults to a fresh id. */
  id?: string;
}

interface ExperimentRow {
  id: string;
  name: string;
  spec_json: string;
  created_at: number;
  result_json: string | null;
  transfer_gain: number | null;
}

function toExperiment(row: ExperimentRow): Experiment {
  return {
    id: row.id,
    name: row.name,
    spec: fromJson(row.spec_json),
    createdAt: row.created_at,
    result: fromJson<TransferResult>(row.result_json),
    transferGain: row.transfer_gain,
  };
}

export class ExperimentsRepository {
  private readonly insertStmt: Statement;
  private readonly getStmt: Statement;
  private readonly listStmt: Statement;
  private readonly resultStmt: Statement;
  private readonly deleteStmt: Statement;

  constructor(private readonly db: Database) {
    this.insertStmt = db.prepare(
      'INSERT INTO experiments (id, name, spec_json, created_at) VALUES (@id, @name, @spec, @createdAt)',
    );
    this.getStmt = db.prepare('SELECT * FROM experiments WHERE id = ?');
    this.listStmt = db.prepare('SELECT * FROM experiments ORDER BY created_at DESC, rowid DESC');
    this.resultStmt = db.prepare(
      'UPDATE experiments SET result_json = @result, transfer_gain = @gain WHERE id = @id',
    );
    this.deleteStmt = db.prepare('DELETE FROM experiments WHERE id = ?');
  }

  create(input: NewExperiment): Experiment {
    if (typeof input.name !== 'string' || input.name.trim() === '' || input.name.length > 200) {
      throw new StoreError('invalid', 'experiment name: expected 1 to 200 characters');
    }
    const createdAt = Date.now();
    const id = input.id ?? newId(createdAt);
    this.insertStmt.run({ id, name: input.name, spec: toJson(input.spec, 'experiment spec'), createdAt });
    return this.require(id);
  }

  get(id: string): Experiment | null {
    const row = this.getStmt.get(id) as ExperimentRow | undefined;
    return row ? toExperiment(row) : null;
  }

  require(id: string): Experiment {
    const experiment = this.get(id);
    if (!experiment) throw new StoreError('not-found', `experiment ${id} not found`);
    return experiment;
  }

  /** Newest first. */
  list(): Experiment[] {
    return (this.listStmt.all() as ExperimentRow[]).map(toExperiment);
  }

  setResult(id: string, result: TransferResult | null): Experiment {
    const changes = this.resultStmt.run({
      id,
      result: toJsonOrNull(result, 'experiment result'),
      gain: result?.transferGain ?? null,
    }).changes;
    if (changes === 0) throw new StoreError('not-found', `experiment ${id} not found`);
    return this.require(id);
  }

  /** Deletes the experiment and (by cascade) its runs; false when there was none. */
  delete(id: string): boolean {
    return this.deleteStmt.run(id).changes > 0;
  }
}
