// Runs: create, read, status transitions with their timestamps, edits, list, delete.
import type { Database, Statement } from 'better-sqlite3';
import { newId } from './ids';
import { toJson, toJsonOrNull } from './json-columns';
import { runFolder } from './location';
import { RunList } from './run-list';
import type { RunListQuery, RunPage } from './run-list';
import { RUN_COLUMNS, RUN_FROM, finalRunStatuses, runRoles, runStatuses, toRun } from './run-row';
import type { Run, RunEnvironment, RunRole, RunRow, RunStatus } from './run-row';
import { StoreError } from './store-error';
import { ownIdentity, type ProcessIdentity } from './process-identity';

export interface NewRun {
  experimentId: string;
  role: RunRole;
  parentRunId?: string | null;
  name?: string | null;
  hyperparams?: Record<string, unknown>;
  frozenLayers?: string[];
  environment?: RunEnvironment | null;
  dataset?: unknown;
  datasetName?: string | null;
  architecture?: string | null;
  notes?: string;
  /** The process that will write this run; defaults to this process. */
  ownerPid?: number | null;
  /** Defaults to <data folder>/runs/<id> when the store has a data folder. */
  runDir?: string | null;
  /** Defaults to a fresh id. */
  id?: string;
}

/** Fields a caller may change after creation; undefined leaves a field as it is. */
export type RunPatch = Pick<
  NewRun,
  'name' | 'notes' | 'parentRunId' | 'hyperparams' | 'frozenLayers' | 'environment' | 'dataset' | 'datasetName' | 'architecture' | 'ownerPid'
>;

/** Which statuses each status may be entered from. Final statuses are never left. */
const enteredFrom: Record<RunStatus, readonly RunStatus[]> = {
  queued: [],
  running: ['queued'],
  completed: ['running'],
  failed: ['queued', 'running'],
  cancelled: ['queued', 'running'],
  interrupted: ['queued', 'running'],
};

/** RunPatch field → column and how to encode it. */
const patchColumns: Record<keyof RunPatch, { column: string; encode: (v: unknown) => unknown }> = {
  name: { column: 'name', encode: (v) => v ?? null },
  notes: { column: 'notes', encode: (v) => v ?? '' },
  parentRunId: { column: 'parent_run_id', encode: (v) => v ?? null },
  hyperparams: { column: 'hyperparams_json', encode: (v) => toJson(v ?? {}, 'hyperparams') },
  frozenLayers: { column: 'frozen_layers_json', encode: (v) => toJson(v ?? [], 'frozenLayers') },
  environment: { column: 'environment_json', encode: (v) => toJsonOrNull(v, 'environment') },
  dataset: { column: 'dataset_json', encode: (v) => toJsonOrNull(v, 'dataset') },
  datasetName: { column: 'dataset_name', encode: (v) => v ?? null },
  architecture: { column: 'architecture', encode: (v) => v ?? null },
  ownerPid: { column: 'owner_pid', encode: (v) => v ?? null },
};

export class RunsRepository {
  private readonly runList: RunList;
  private readonly insertStmt: Statement;
  private readonly getStmt: Statement;
  private readonly prefixStmt: Statement;
  private readonly deleteStmt: Statement;
  private readonly statusStmts = new Map<RunStatus, Statement>();

  /** @param dataFolder where run folders go (runs/<id>); null for none (e.g. in-memory). */
  constructor(private readonly db: Database, private readonly dataFolder: string | null) {
    this.runList = new RunList(db);
    this.insertStmt = db.prepare(`
      INSERT INTO runs (id, experiment_id, role, parent_run_id, name, status, created_at, hyperparams_json,
        frozen_layers_json, environment_json, dataset_json, dataset_name, architecture, owner_pid, owner_started_at, run_dir, notes)
      VALUES (@id, @experimentId, @role, @parentRunId, @name, 'queued', @createdAt, @hyperparams,
        @frozenLayers, @environment, @dataset, @datasetName, @architecture, @ownerPid, @ownerStartedAt, @runDir, @notes)`);
    this.getStmt = db.prepare(`SELECT ${RUN_COLUMNS} FROM ${RUN_FROM} WHERE r.id = ?`);
    // A typed id matches the ids it starts, or (the short form the UI shows: the last 8
    // characters) the ids it ends.
    this.prefixStmt = db.prepare(`SELECT id FROM runs WHERE id LIKE @start ESCAPE '\\' OR id LIKE @end ESCAPE '\\' ORDER BY id LIMIT 2`);
    this.deleteStmt = db.prepare('DELETE FROM runs WHERE id = ?');
    for (const status of runStatuses) {
      const from = enteredFrom[status];
      if (from.length === 0) continue;
      const final = finalRunStatuses.includes(status);
      this.statusStmts.set(status, db.prepare(`
        UPDATE runs SET status = '${status}',
          started_at = ${status === 'running' ? '@now' : 'started_at'},
          ended_at = ${final ? '@now' : 'NULL'},
          error = @error
        WHERE id = @id AND status IN (${from.map((s) => `'${s}'`).join(', ')})`));
    }
  }

  /** Creates a run in status 'queued'. */
  create(input: NewRun): Run {
    if (!runRoles.includes(input.role)) {
      throw new StoreError('invalid', `run role: expected one of ${runRoles.join(', ')}, got ${JSON.stringify(input.role)}`);
    }
    const createdAt = Date.now();
    const id = input.id ?? newId(createdAt);
    const ownerPid = input.ownerPid === undefined ? process.pid : input.ownerPid;
    const runDir = input.runDir !== undefined ? input.runDir : this.dataFolder === null ? null : runFolder(this.dataFolder, id);
    try {
      this.insertStmt.run({
        id,
        experimentId: input.experimentId,
        role: input.role,
        parentRunId: input.parentRunId ?? null,
        name: input.name ?? null,
        createdAt,
        hyperparams: toJson(input.hyperparams ?? {}, 'hyperparams'),
        frozenLayers: toJson(input.frozenLayers ?? [], 'frozenLayers'),
        environment: toJsonOrNull(input.environment, 'environment'),
        dataset: toJsonOrNull(input.dataset, 'dataset'),
        datasetName: input.datasetName ?? null,
        architecture: input.architecture ?? null,
        ownerPid,
        ownerStartedAt: ownerPid === process.pid ? ownIdentity().startedAt : null,
        runDir,
        notes: input.notes ?? '',
      });
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
        throw new StoreError('not-found', `run: experiment ${input.experimentId} or parent run ${input.parentRunId ?? '(none)'} not found`);
      }
      throw err;
    }
    return this.require(id);
  }

  get(id: string): Run | null {
    const row = this.getStmt.get(id) as RunRow | undefined;
    return row ? toRun(row) : null;
  }

  require(id: string): Run {
    const run = this.get(id);
    if (!run) throw new StoreError('not-found', `run ${id} not found`);
    return run;
  }

  /**
   * The full id of the one run whose id starts with `partial`, or ends with it (the short id
   * the UI shows), for ids typed by hand.
   */
  resolveId(partial: string): string {
    const clean = partial.trim().toLowerCase();
    if (clean === '') throw new StoreError('invalid', 'run id: expected an id, its start or its short form, got an empty string');
    const escaped = clean.replace(/[\\%_]/g, (c) => `\\${c}`);
    const ids = (this.prefixStmt.all({ start: `${escaped}%`, end: `%${escaped}` }) as { id: string }[]).map((r) => r.id);
    if (ids.length === 0) throw new StoreError('not-found', `no run id starts or ends with "${clean}"`);
    if (ids.length > 1 && ids[0] !== clean) throw new StoreError('invalid', `run id "${clean}" is ambiguous: type more characters`);
    return ids[0];
  }

  /**
   * Moves a run to `status`: 'running' sets startedAt, a final status sets endedAt; `error`
   * is stored as given (pass it with 'failed'; other transitions clear it). Illegal
   * transitions (e.g. completed → running) throw a 'conflict' StoreError.
   */
  setStatus(id: string, status: RunStatus, error: string | null = null): Run {
    const stmt = this.statusStmts.get(status);
    if (!runStatuses.includes(status)) {
      throw new StoreError('invalid', `run status: expected one of ${runStatuses.join(', ')}, got ${JSON.stringify(status)}`);
    }
    const changes = stmt ? stmt.run({ id, now: Date.now(), error }).changes : 0;
    if (changes === 0) {
      const current = this.require(id);
      throw new StoreError('conflict', `run ${id} cannot go from ${current.status} to ${status}`);
    }
    return this.require(id);
  }

  /**
   * Sets a finished run's timestamps to those it had elsewhere (a run imported from another
   * Transfer Lab keeps its dates and duration). Only finished runs: a live run's times are
   * the store's own.
   */
  restoreTimes(id: string, times: { createdAt: number; startedAt: number | null; endedAt: number }): Run {
    const changes = this.db
      .prepare(`UPDATE runs SET created_at = @createdAt, started_at = @startedAt, ended_at = @endedAt
        WHERE id = @id AND status IN ('completed', 'failed', 'cancelled', 'interrupted')`)
      .run({ id, ...times }).changes;
    if (changes === 0) throw new StoreError('conflict', `run ${id}: only a finished run's times can be restored`);
    return this.require(id);
  }

  update(id: string, patch: RunPatch): Run {
    const sets: string[] = [];
    const params: Record<string, unknown> = { id };
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      const target = patchColumns[key as keyof RunPatch];
      if (!target) throw new StoreError('invalid', `run patch: unknown field "${key}"`);
      sets.push(`${target.column} = @${key}`);
      params[key] = target.encode(value);
    }
    if (sets.length > 0) {
      const changes = this.db.prepare(`UPDATE runs SET ${sets.join(', ')} WHERE id = @id`).run(params).changes;
      if (changes === 0) throw new StoreError('not-found', `run ${id} not found`);
    }
    return this.require(id);
  }

  /**
   * Records who writes a running run: its owner (the supervisor, this process) and its
   * training worker, each as pid + start time, so recovery can tell them from pid reuse.
   */
  setProcesses(id: string, worker: ProcessIdentity | null): void {
    const owner = ownIdentity();
    this.db
      .prepare(`UPDATE runs SET owner_pid = @ownerPid, owner_started_at = @ownerStartedAt,
        worker_pid = @workerPid, worker_started_at = @workerStartedAt WHERE id = @id`)
      .run({ id, ownerPid: owner.pid, ownerStartedAt: owner.startedAt, workerPid: worker?.pid ?? null, workerStartedAt: worker?.startedAt ?? null });
  }

  /** Every dataset name the runs use, with how many runs use it (for the list's filter). */
  datasetCounts(): { name: string; runs: number }[] {
    return this.db
      .prepare('SELECT dataset_name AS name, count(*) AS runs FROM runs WHERE dataset_name IS NOT NULL GROUP BY dataset_name ORDER BY dataset_name')
      .all() as { name: string; runs: number }[];
  }

  list(query: RunListQuery = {}): RunPage {
    return this.runList.list(query);
  }

  /** Deletes the run and its metrics, evaluations, artifact rows and tags; returns what was deleted. */
  delete(id: string): Run | null {
    return this.db.transaction(() => {
      const run = this.get(id);
      if (run) this.deleteStmt.run(id);
      return run;
    })();
  }
}
