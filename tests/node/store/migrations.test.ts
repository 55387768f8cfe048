// Each migration before and after, on real database files (Signal Desktop style), plus the
// runner's guarantees: one transaction per migration, refusal of newer schemas.
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { StoreError, migrate, migrations, openDatabase, schemaVersion } from '../../../main/store';
import type { Migration } from '../../../main/store';
import { removeTempFolders, tempFolder } from './temp-folder';

const open: Database[] = [];
function rawDatabase(file = path.join(tempFolder(), 'db.sqlite')): Database {
  const db = new BetterSqlite3(file);
  open.push(db);
  return db;
}
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
});
afterAll(removeTempFolders);

const tables = (db: Database) =>
  (db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).pluck().all() as string[]);
const columns = (db: Database, table: string) => (db.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name);
const indices = (db: Database) =>
  (db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name`).pluck().all() as string[]);

describe('migration 0001: initial schema', () => {
  it('takes an empty file from user_version 0 to 1 with every table, column and index', () => {
    const db = rawDatabase();
    expect(schemaVersion(db)).toBe(0);
    expect(tables(db)).toEqual([]);

    expect(migrate(db, migrations.slice(0, 1))).toEqual([1]);

    expect(schemaVersion(db)).toBe(1);
    expect(tables(db)).toEqual(['artifacts', 'evaluations', 'experiments', 'metrics', 'run_tags', 'runs']);
    expect(columns(db, 'experiments')).toEqual(['id', 'name', 'spec_json', 'created_at', 'result_json', 'transfer_gain']);
    expect(columns(db, 'runs')).toEqual([
      'id', 'experiment_id', 'role', 'parent_run_id', 'name', 'status', 'created_at', 'started_at', 'ended_at', 'error',
      'hyperparams_json', 'frozen_layers_json', 'environment_json', 'dataset_json', 'dataset_name', 'architecture',
      'test_accuracy', 'owner_pid', 'run_dir', 'notes',
    ]);
    expect(columns(db, 'metrics')).toEqual(['run_id', 'epoch', 'step', 'name', 'value', 'wall_ms']);
    expect(columns(db, 'evaluations')).toEqual([
      'id', 'run_id', 'split', 'accuracy', 'loss', 'per_class_json', 'confusion_json', 'misclassified_json', 'created_at',
    ]);
    expect(columns(db, 'artifacts')).toEqual(['id', 'run_id', 'kind', 'path', 'size_bytes', 'created_at']);
    expect(columns(db, 'run_tags')).toEqual(['run_id', 'tag']);
    expect(indices(db)).toEqual([
      'experiments_created_at', 'metrics_run_name_epoch_step', 'run_tags_tag', 'runs_created_at', 'runs_dataset_name',
      'runs_experiment', 'runs_parent', 'runs_status', 'runs_test_accuracy',
    ]);
    const runForeignKeys = db.pragma('foreign_key_list(runs)') as { table: string; from: string; on_delete: string }[];
    expect(runForeignKeys.map((k) => [k.from, k.table, k.on_delete]).sort()).toEqual([
      ['experiment_id', 'experiments', 'CASCADE'],
      ['parent_run_id', 'runs', 'SET NULL'],
    ]);
    for (const child of ['metrics', 'evaluations', 'artifacts', 'run_tags']) {
      const [fk] = db.pragma(`foreign_key_list(${child})`) as { table: string; on_delete: string }[];
      expect([child, fk.table, fk.on_delete]).toEqual([child, 'runs', 'CASCADE']);
    }
  });

  it('enforces its CHECK constraints', () => {
    const db = rawDatabase();
    migrate(db, migrations.slice(0, 1));
    db.prepare(`INSERT INTO experiments (id, name, spec_json, created_at) VALUES ('e', 'exp', '{}', 1)`).run();
    const insertRun = (role: string, status: string, endedAt: number | null, startedAt: number | null = null) =>
      db.prepare(`INSERT INTO runs (id, experiment_id, role, status, created_at, started_at, ended_at)
        VALUES (?, 'e', ?, ?, 1, ?, ?)`).run(`${role}-${status}-${endedAt}-${startedAt}`, role, status, startedAt, endedAt);
    expect(() => insertRun('teacher', 'queued', null)).toThrow(/CHECK/);
    expect(() => insertRun('source', 'paused', null)).toThrow(/CHECK/);
    expect(() => insertRun('source', 'completed', null, 1)).toThrow(/CHECK/); // final status needs ended_at
    expect(() => insertRun('source', 'queued', 5)).toThrow(/CHECK/); // ended_at only when final
    expect(() => insertRun('source', 'running', null)).toThrow(/CHECK/); // running needs started_at
    expect(() => insertRun('source', 'completed', 2, 1)).not.toThrow();
    expect(() => db.prepare(`INSERT INTO experiments (id, name, spec_json, created_at) VALUES ('x', 'x', 'not json', 1)`).run())
      .toThrow(/CHECK/);
    // STRICT: a string in an INTEGER column is an error, not a silently stored string.
    expect(() => db.prepare(`INSERT INTO experiments (id, name, spec_json, created_at) VALUES ('y', 'y', '{}', 'yesterday')`).run())
      .toThrow(/cannot store TEXT value in INTEGER column/);
  });
});

describe('openDatabase', () => {
  it('creates the folder, sets the pragmas and migrates', () => {
    const file = path.join(tempFolder(), 'nested', 'deeper', 'store.sqlite');
    const db = openDatabase(file);
    open.push(db);
    expect(fs.existsSync(file)).toBe(true);
    expect(schemaVersion(db)).toBe(migrations.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
  });

  it('is idempotent: reopening keeps the version and the data and applies nothing', () => {
    const file = path.join(tempFolder(), 'store.sqlite');
    const first = openDatabase(file);
    first.prepare(`INSERT INTO experiments (id, name, spec_json, created_at) VALUES ('e1', 'kept', '{}', 1)`).run();
    first.close();
    const second = openDatabase(file);
    open.push(second);
    expect(schemaVersion(second)).toBe(migrations.length);
    expect(migrate(second, migrations)).toEqual([]);
    expect(second.prepare(`SELECT name FROM experiments WHERE id = 'e1'`).pluck().get()).toBe('kept');
  });

  it('refuses a file from a newer app version and leaves it untouched', () => {
    const file = path.join(tempFolder(), 'future.sqlite');
    const raw = new BetterSqlite3(file);
    raw.pragma(`user_version = ${migrations.length + 1}`);
    raw.close();
    let error: unknown;
    try {
      openDatabase(file);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('schema');
    expect((error as Error).message).toContain(`schema version ${migrations.length + 1}`);
    expect((error as Error).message).toContain(file);
    const check = rawDatabase(file);
    expect(schemaVersion(check)).toBe(migrations.length + 1);
    expect(tables(check)).toEqual([]);
  });
});

describe('the migration runner', () => {
  it('rolls a failing migration back whole, user_version included', () => {
    const db = rawDatabase();
    const broken: Migration = {
      version: migrations.length + 1,
      name: 'half done',
      up(d) {
        d.exec('CREATE TABLE half_done (x INTEGER)');
        d.exec('INSERT INTO no_such_table VALUES (1)');
      },
    };
    expect(() => migrate(db, [...migrations, broken])).toThrow(/migration \d+ \(half done\) failed and was rolled back/);
    expect(schemaVersion(db)).toBe(migrations.length);
    expect(tables(db)).not.toContain('half_done');
  });

  it('rejects a list whose versions are not 1, 2, 3, …', () => {
    const db = rawDatabase();
    const skipped: Migration = { version: migrations.length + 2, name: 'skips one', up() {} };
    expect(() => migrate(db, [...migrations, skipped]))
      .toThrow(`position ${migrations.length + 1} holds version ${migrations.length + 2}`);
    expect(schemaVersion(db)).toBe(0);
  });
});
