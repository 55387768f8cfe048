// Migration 0003 (studies) before and after, on a real database file: a version-2 file with a
// run keeps it and gains the study tables; the constraints and the links to experiments hold;
// and the repository over them (interrupted studies, resuming only unfinished experiments).
import BetterSqlite3 from 'better-sqlite3';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createStore, migrate, migrations, schemaVersion } from '../../../main/store';
import { StudiesRepository } from '../../../main/store/studies';
import { removeTempFolders, tempFolder } from './temp-folder';

afterAll(removeTempFolders);

const tables = (db: BetterSqlite3.Database) =>
  db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).pluck().all() as string[];

describe('migration 0003: studies', () => {
  it('takes a version-2 file with runs to version 3 with the study tables, keeping every row', () => {
    const db = new BetterSqlite3(path.join(tempFolder(), 'v2.sqlite'));
    migrate(db, migrations.slice(0, 2));
    db.prepare(`INSERT INTO experiments (id, name, spec_json, created_at) VALUES ('e', 'old', '{}', 1)`).run();
    db.prepare(`INSERT INTO runs (id, experiment_id, role, status, created_at) VALUES ('r', 'e', 'target', 'queued', 1)`).run();
    expect(tables(db)).not.toContain('studies');

    expect(migrate(db, migrations.slice(0, 3))).toEqual([3]);

    expect(schemaVersion(db)).toBe(3);
    expect(tables(db)).toEqual(['artifacts', 'evaluations', 'experiments', 'metrics', 'run_tags', 'runs', 'studies', 'study_cells', 'study_experiments']);
    expect(db.prepare('SELECT id, status FROM runs').all()).toEqual([{ id: 'r', status: 'queued' }]);
    const fks = (db.pragma('foreign_key_list(study_experiments)') as { table: string; from: string; on_delete: string }[])
      .map((k) => [k.from, k.table, k.on_delete]).sort();
    expect(fks).toEqual([['experiment_id', 'experiments', 'SET NULL'], ['run_id', 'runs', 'SET NULL'], ['study_id', 'studies', 'CASCADE']]);
    db.close();
  });

  it('enforces its constraints and frees a row whose experiment is deleted', () => {
    const db = new BetterSqlite3(path.join(tempFolder(), 'v3.sqlite'));
    db.pragma('foreign_keys = ON');
    migrate(db, migrations.slice(0, 3));
    db.prepare(`INSERT INTO experiments (id, name, spec_json, created_at) VALUES ('e', 'x', '{}', 1)`).run();
    db.prepare(`INSERT INTO studies (id, name, spec_json, status, created_at) VALUES ('s', 'study', '{}', 'running', 1)`).run();
    const insert = (key: string, kind: string, cell: string | null, status = 'pending', spec = '{}') =>
      db.prepare(`INSERT INTO study_experiments (study_id, key, position, kind, seed, cell_key, spec_json, status) VALUES ('s', ?, 0, ?, 1, ?, ?, ?)`)
        .run(key, kind, cell, spec, status);
    expect(() => insert('a', 'teacher', null)).toThrow(/CHECK/);
    expect(() => insert('b', 'source', null, 'paused')).toThrow(/CHECK/);
    expect(() => insert('c', 'transfer', null)).toThrow(/CHECK/); // a transfer belongs to a cell
    expect(() => insert('d', 'source', 'c1')).toThrow(/CHECK/); // only a transfer does
    expect(() => insert('e', 'source', null, 'pending', 'nope')).toThrow(/CHECK/);
    expect(() => db.prepare(`INSERT INTO studies (id, name, spec_json, status, created_at) VALUES ('t', 't', '{}', 'paused', 1)`).run()).toThrow(/CHECK/);
    insert('ok', 'source', null);
    db.prepare(`UPDATE study_experiments SET status = 'completed', experiment_id = 'e' WHERE key = 'ok'`).run();
    db.prepare(`DELETE FROM experiments WHERE id = 'e'`).run();
    expect(db.prepare(`SELECT status, experiment_id FROM study_experiments WHERE key = 'ok'`).get()).toEqual({ status: 'pending', experiment_id: null });
    db.prepare(`DELETE FROM studies WHERE id = 's'`).run();
    expect(db.prepare('SELECT count(*) FROM study_experiments').pluck().get()).toBe(0);
    db.close();
  });
});

describe('the studies repository', () => {
  const newStudy = {
    name: 'study',
    spec: { seeds: 2 },
    cells: [{ key: 'c1', label: 'nothing frozen', settings: { freeze: 'none' }, frozenDepth: 0, targetPerClass: 10, trainableParams: 100 }],
    experiments: [
      { key: 'source/s1', kind: 'source' as const, seed: 1, cellKey: null, sourceKey: null, baselineKey: null, spec: { name: 's' } },
      { key: 'transfer/c1/s1', kind: 'transfer' as const, seed: 1, cellKey: 'c1', sourceKey: 'source/s1', baselineKey: null, spec: { name: 't' } },
    ],
  };

  it('records a study; a study whose owner is gone reads interrupted, and claiming it again re-queues only the unfinished', () => {
    const store = createStore(path.join(tempFolder(), 'studies.sqlite'));
    const studies = new StudiesRepository(store.db);
    const study = studies.create(newStudy);
    expect(study.status).toBe('running');
    expect(studies.cells(study.id)).toEqual([newStudy.cells[0]]);
    studies.updateExperiment(study.id, 'source/s1', { status: 'completed' });
    studies.updateExperiment(study.id, 'transfer/c1/s1', { status: 'running' });
    expect(studies.get(study.id)?.status).toBe('running'); // this process owns it

    // As if its owner had died: a pid that no process has.
    store.db.prepare('UPDATE studies SET owner_pid = 2147483646, owner_started_at = 1 WHERE id = ?').run(study.id);
    expect(studies.list().map((s) => s.status)).toEqual(['interrupted']);
    expect(studies.experiments(study.id).map((e) => e.status)).toEqual(['completed', 'pending']);

    studies.updateExperiment(study.id, 'transfer/c1/s1', { status: 'failed', error: 'boom' });
    studies.claim(study.id, 2, 1);
    expect(studies.require(study.id)).toMatchObject({ status: 'running', concurrency: 2, trainingThreads: 1 });
    expect(studies.experiments(study.id).map((e) => [e.status, e.error])).toEqual([['completed', null], ['pending', null]]);
    expect(studies.resolveId(study.id.slice(0, 8))).toBe(study.id);
    expect(() => studies.resolveId('zzzz')).toThrow(/no study id starts with "zzzz"/);
    expect(studies.delete(study.id)).toBe(true);
    expect(studies.get(study.id)).toBeNull();
    store.close();
  });
});
