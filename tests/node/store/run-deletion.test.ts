// Deleting runs and experiments on a real database file and real run folders: all or nothing
// as the user sees it. Folders are moved aside before the rows go, put back when the rows
// cannot be deleted, and a folder Windows keeps locked stops the delete before anything is lost.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError, createStore } from '../../../main/store';
import type { Store } from '../../../main/store';
import { removeTempFolders, tempFolder } from './temp-folder';

let store: Store;
let folder: string;
beforeEach(() => {
  folder = tempFolder('transfer-lab-delete-');
  store = createStore(path.join(folder, 'transfer-lab.sqlite'));
});
afterEach(() => store.close());
afterAll(removeTempFolders);

function experimentWithRuns(count: number) {
  const experiment = store.experiments.create({ name: 'exp', spec: { name: 'exp' } });
  const runs = Array.from({ length: count }, (_, i) => {
    const run = store.runs.create({ experimentId: experiment.id, role: i === 0 ? 'source' : 'target' });
    fs.mkdirSync(path.join(run.runDir!, 'checkpoints', 'last'), { recursive: true });
    fs.writeFileSync(path.join(run.runDir!, 'checkpoints', 'last', 'weights.bin'), 'w');
    store.metrics.appendMetrics([{ runId: run.id, epoch: 0, name: 'loss', value: 1 }]);
    return run;
  });
  return { experiment, runs };
}

const runsFolderEntries = () => fs.readdirSync(path.join(folder, 'runs')).sort();

describe('deleting an experiment', () => {
  it('removes every run folder and every row, leaving nothing aside', () => {
    const { experiment, runs } = experimentWithRuns(3);
    const other = experimentWithRuns(1).runs[0];
    expect(store.deleteExperiment(experiment.id)).toBe(true);
    expect(store.experiments.get(experiment.id)).toBeNull();
    for (const run of runs) {
      expect(store.runs.get(run.id)).toBeNull();
      expect(store.metrics.count(run.id)).toBe(0);
    }
    expect(runsFolderEntries()).toEqual([other.id]);
  });

  it('puts every folder back when the database refuses to delete the rows', () => {
    const { experiment, runs } = experimentWithRuns(2);
    // A real failure inside the delete transaction, as a full disk or a corrupt page would give.
    store.db.exec(`CREATE TRIGGER refuse_delete BEFORE DELETE ON runs BEGIN SELECT RAISE(ABORT, 'refused by test trigger'); END`);
    expect(() => store.deleteExperiment(experiment.id)).toThrow(/refused by test trigger/);
    expect(store.experiments.get(experiment.id)).not.toBeNull();
    for (const run of runs) {
      expect(store.runs.get(run.id)).not.toBeNull();
      expect(fs.readFileSync(path.join(run.runDir!, 'checkpoints', 'last', 'weights.bin'), 'utf8')).toBe('w');
    }
    expect(runsFolderEntries()).toEqual(runs.map((r) => r.id).sort());
  });
});

describe('deleting a run whose file is open in another program', () => {
  it.runIf(process.platform === 'win32')('Windows: refuses with the folder named and deletes nothing, not even the other runs of the experiment', () => {
    const { experiment, runs } = experimentWithRuns(2);
    const handle = fs.openSync(path.join(runs[1].runDir!, 'checkpoints', 'last', 'weights.bin'), 'r');
    try {
      let error: unknown;
      try {
        store.deleteExperiment(experiment.id);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(StoreError);
      expect((error as StoreError).code).toBe('conflict');
      expect((error as Error).message).toContain(runs[1].runDir!);
      expect((error as Error).message).toMatch(/Nothing was deleted/);
      for (const run of runs) {
        expect(store.runs.get(run.id)).not.toBeNull();
        expect(fs.existsSync(path.join(run.runDir!, 'checkpoints', 'last', 'weights.bin'))).toBe(true);
      }
    } finally {
      fs.closeSync(handle);
    }
    expect(store.deleteExperiment(experiment.id)).toBe(true);
    expect(runsFolderEntries()).toEqual([]);
  });

  it.runIf(process.platform !== 'win32')('POSIX: an open file does not block the delete (only Windows locks it)', () => {
    const { runs } = experimentWithRuns(1);
    const handle = fs.openSync(path.join(runs[0].runDir!, 'checkpoints', 'last', 'weights.bin'), 'r');
    try {
      expect(store.deleteRun(runs[0].id)?.id).toBe(runs[0].id);
      expect(runsFolderEntries()).toEqual([]);
    } finally {
      fs.closeSync(handle);
    }
  });
});

describe('a folder a delete could not remove', () => {
  it('is swept when the store next opens; run folders are left alone', () => {
    const { runs } = experimentWithRuns(1);
    const leftover = path.join(folder, 'runs', '.deleted-abc-12345678');
    fs.mkdirSync(path.join(leftover, 'checkpoints'), { recursive: true });
    fs.writeFileSync(path.join(leftover, 'checkpoints', 'weights.bin'), 'w');
    store.close();
    store = createStore(path.join(folder, 'transfer-lab.sqlite'));
    expect(runsFolderEntries()).toEqual([runs[0].id]);
  });
});
