// Training metrics: appended in batches (one transaction per call, so the supervisor's
// per-epoch batch lands whole or not at all) and read back as one series per metric name.
import type { Database, Statement } from 'better-sqlite3';
import { StoreError } from './store-error';

export interface MetricInput {
  runId: string;
  epoch: number;
  /** Batch/step index for per-step values; null or omitted for per-epoch values. */
  step?: number | null;
  /** e.g. "loss", "accuracy", "val_loss", "val_accuracy". */
  name: string;
  /** NaN is stored (and returned) as null. */
  value: number;
  /** Unix epoch ms when the value was measured; defaults to now. */
  wallMs?: number;
}

/** One metric's values in (epoch, step) order, as parallel arrays (cheap to chart and to send over IPC). */
export interface MetricSeries {
  name: string;
  epoch: number[];
  step: (number | null)[];
  value: (number | null)[];
  wallMs: number[];
}

function checkRow(row: MetricInput, index: number): void {
  const where = `metrics[${index}]`;
  if (typeof row.runId !== 'string' || row.runId === '') throw new StoreError('invalid', `${where}.runId: expected a run id`);
  if (typeof row.name !== 'string' || row.name === '') throw new StoreError('invalid', `${where}.name: expected a non-empty metric name`);
  if (!Number.isInteger(row.epoch) || row.epoch < 0) throw new StoreError('invalid', `${where}.epoch: expected an integer ≥ 0, got ${row.epoch}`);
  if (row.step != null && (!Number.isInteger(row.step) || row.step < 0)) {
    throw new StoreError('invalid', `${where}.step: expected an integer ≥ 0 or null, got ${row.step}`);
  }
  if (typeof row.value !== 'number') throw new StoreError('invalid', `${where}.value: expected a number, got ${typeof row.value}`);
}

export class MetricsRepository {
  private readonly insertStmt: Statement;
  private readonly curvesStmt: Statement;
  private readonly namedCurvesStmt: Statement;
  private readonly countStmt: Statement;
  private readonly insertMany: (rows: readonly MetricInput[]) => void;

  constructor(private readonly db: Database) {
    this.insertStmt = db.prepare('INSERT INTO metrics (run_id, epoch, step, name, value, wall_ms) VALUES (?, ?, ?, ?, ?, ?)');
    this.curvesStmt = db
      .prepare('SELECT name, epoch, step, value, wall_ms FROM metrics WHERE run_id = ? ORDER BY name, epoch, step')
      .raw(true);
    this.namedCurvesStmt = db
      .prepare(`SELECT name, epoch, step, value, wall_ms FROM metrics
        WHERE run_id = ? AND name IN (SELECT value FROM json_each(?)) ORDER BY name, epoch, step`)
      .raw(true);
    this.countStmt = db.prepare('SELECT count(*) FROM metrics WHERE run_id = ?').pluck(true);
    this.insertMany = db.transaction((rows: readonly MetricInput[]) => {
      const now = Date.now();
      for (const r of rows) {
        this.insertStmt.run(r.runId, r.epoch, r.step ?? null, r.name, Number.isNaN(r.value) ? null : r.value, r.wallMs ?? now);
      }
    });
  }

  /** Appends all rows in one transaction: either every row is stored or none is. */
  appendMetrics(rows: readonly MetricInput[]): void {
    rows.forEach(checkRow);
    if (rows.length === 0) return;
    try {
      this.insertMany(rows);
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
        const ids = [...new Set(rows.map((r) => r.runId))].join(', ');
        throw new StoreError('not-found', `metrics: no run with id ${ids}`);
      }
      throw err;
    }
  }

  /**
   * Every metric of a run, one series per name (sorted by name), or only the names asked for.
   * Within a series, a per-epoch value (step null) comes before that epoch's per-step values,
   * so keep per-step and per-epoch values under different names (e.g. "loss" vs "epoch_loss").
   */
  curves(runId: string, names?: readonly string[]): MetricSeries[] {
    const rows = names ? this.namedCurvesStmt.iterate(runId, JSON.stringify(names)) : this.curvesStmt.iterate(runId);
    const series: MetricSeries[] = [];
    let current: MetricSeries | null = null;
    for (const [name, epoch, step, value, wallMs] of rows as IterableIterator<
      [string, number, number | null, number | null, number]
    >) {
      if (!current || current.name !== name) {
        current = { name, epoch: [], step: [], value: [], wallMs: [] };
        series.push(current);
      }
      current.epoch.push(epoch);
      current.step.push(step);
      current.value.push(value);
      current.wallMs.push(wallMs);
    }
    return series;
  }

  count(runId: string): number {
    return this.countStmt.get(runId) as number;
  }
}
