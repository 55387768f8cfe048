// The repositories on a real database file: experiments, run status transitions and
// their timestamps, edits and notes, tags, metrics, evaluations, artifacts, cascade delete.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError, createStore } from '../../../main/store';
import { shortId } from '../../../renderer/src/lib/format';
import type { Store } from '../../../main/store';
import { removeTempFolders, tempFolder } from './temp-folder';

let store: Store;
let folder: string;
beforeEach(() => {
  folder = tempFolder();
  store = createStore(path.join(folder, 'transfer-lab.sqlite'));
});
afterEach(() => store.close());
afterAll(removeTempFolders);

function storeError(fn: () => unknown): StoreError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StoreError) return err;
    throw err;
  }
  throw new Error('expected a StoreError, nothing was thrown');
}

function newRun(role: 'source' | 'target' | 'baseline' = 'source', parentRunId: string | null = null) {
  const experiment = store.experiments.create({ name: 'exp', spec: { name: 'exp', source: { run: 'x' } } });
  return store.runs.create({ experimentId: experiment.id, role, parentRunId });
}

describe('experiments', () => {
  it('stores the spec, lists newest first, records the transfer result', () => {
    const a = store.experiments.create({ name: 'first', spec: { seed: 1, nested: { list: [1, 2] } } });
    const b = store.experiments.create({ name: 'second', spec: { seed: 2 } });
    expect(store.experiments.get(a.id)?.spec).toEqual({ seed: 1, nested: { list: [1, 2] } });
    expect(store.experiments.list().map((e) => e.id)).toEqual([b.id, a.id]);
    const result = { targetRunId: 't', baselineRunId: 'b', targetAccuracy: 0.9, baselineAccuracy: 0.75, transferGain: 0.9 - 0.75 };
    const updated = store.experiments.setResult(a.id, result);
    expect(updated.result).toEqual(result);
    expect(updated.transferGain).toBeCloseTo(0.15);
    expect(storeError(() => store.experiments.setResult('nope', result)).code).toBe('not-found');
    expect(storeError(() => store.experiments.create({ name: '', spec: {} })).message).toContain('experiment name');
  });
});

describe('run status', () => {
  it('stamps startedAt on running and endedAt on a final status', () => {
    const run = newRun();
    expect(run).toMatchObject({ status: 'queued', startedAt: null, endedAt: null, ownerPid: process.pid });
    expect(run.runDir).toBe(path.join(folder, 'runs', run.id));
    const before = Date.now();
    const running = store.runs.setStatus(run.id, 'running');
    expect(running.startedAt).toBeGreaterThanOrEqual(before);
    expect(running.startedAt).toBeLessThanOrEqual(Date.now());
    expect(running.endedAt).toBeNull();
    const done = store.runs.setStatus(run.id, 'completed');
    expect(done.status).toBe('completed');
    expect(done.startedAt).toBe(running.startedAt);
    expect(done.endedAt).toBeGreaterThanOrEqual(done.startedAt!);
  });

  it('stores the error of a failed run and refuses illegal transitions', () => {
    const run = newRun();
    store.runs.setStatus(run.id, 'running');
    const failed = store.runs.setStatus(run.id, 'failed', 'out of memory in epoch 3');
    expect(failed).toMatchObject({ status: 'failed', error: 'out of memory in epoch 3' });
    const conflict = storeError(() => store.runs.setStatus(run.id, 'running'));
    expect(conflict.code).toBe('conflict');
    expect(conflict.message).toBe(`run ${run.id} cannot go from failed to running`);
    expect(store.runs.require(run.id).status).toBe('failed');

    const queued = newRun();
    expect(storeError(() => store.runs.setStatus(queued.id, 'completed')).code).toBe('conflict');
    const cancelled = store.runs.setStatus(queued.id, 'cancelled');
    expect(cancelled.startedAt).toBeNull();
    expect(cancelled.endedAt).not.toBeNull();
    expect(storeError(() => store.runs.setStatus('missing', 'running')).code).toBe('not-found');
    expect(storeError(() => store.runs.setStatus(queued.id, 'paused' as never)).code).toBe('invalid');
  });
});

describe('run edits', () => {
  it('updates the given fields only, including notes, and rejects unknown ones', () => {
    const run = newRun();
    const environment = { backend: 'wasm', backendReason: 'tfjs-node is not installed', tfjsVersion: '4.22.0' };
    const updated = store.runs.update(run.id, {
      notes: 'lr too high?', environment, hyperparams: { learningRate: 0.01 }, frozenLayers: ['conv1', 'conv2'],
      dataset: { name: 'mnist', classes: 10 }, datasetName: 'mnist', architecture: 'small-cnn',
    });
    expect(updated).toMatchObject({
      notes: 'lr too high?', environment, hyperparams: { learningRate: 0.01 }, frozenLayers: ['conv1', 'conv2'],
      dataset: { name: 'mnist', classes: 10 }, datasetName: 'mnist', architecture: 'small-cnn', name: null,
    });
    expect(store.runs.update(run.id, { name: 'try 2' })).toMatchObject({ name: 'try 2', notes: 'lr too high?' });
    expect(storeError(() => store.runs.update(run.id, { colour: 'red' } as never)).message).toBe('run patch: unknown field "colour"');
    expect(storeError(() => store.runs.update('missing', { notes: 'x' })).code).toBe('not-found');
  });

  it('resolves an id from a unique prefix', () => {
    const run = newRun();
    expect(store.runs.resolveId(run.id.toUpperCase())).toBe(run.id);
    expect(store.runs.resolveId(run.id.slice(0, 20))).toBe(run.id);
    expect(storeError(() => store.runs.resolveId('zzzz')).code).toBe('not-found');
  });

  it('resolves the short id the UI shows (the last 8 characters)', () => {
    const run = newRun();
    expect(store.runs.resolveId(shortId(run.id))).toBe(run.id);
    expect(store.runs.resolveId(run.id.slice(-8).toUpperCase())).toBe(run.id);
  });
});

describe('tags', () => {
  it('adds once, trims, removes, counts, and rejects empty or long tags', () => {
    const a = newRun();
    const b = newRun();
    store.tags.add(a.id, ' good ');
    store.tags.add(a.id, 'good');
    expect(store.tags.add(a.id, 'baseline-beaten')).toEqual(['baseline-beaten', 'good']);
    store.tags.add(b.id, 'good');
    expect(store.tags.counts()).toEqual([{ tag: 'baseline-beaten', runs: 1 }, { tag: 'good', runs: 2 }]);
    expect(store.tags.remove(a.id, 'good')).toEqual(['baseline-beaten']);
    expect(store.runs.require(b.id).tags).toEqual(['good']);
    expect(storeError(() => store.tags.add(a.id, '   ')).code).toBe('invalid');
    expect(storeError(() => store.tags.add(a.id, 'x'.repeat(65))).code).toBe('invalid');
    expect(storeError(() => store.tags.add('missing', 'x')).code).toBe('not-found');
  });
});

describe('metrics', () => {
  it('returns one series per name in epoch/step order, NaN as null', () => {
    const run = newRun();
    store.metrics.appendMetrics([
      { runId: run.id, epoch: 1, step: 0, name: 'loss', value: 0.5, wallMs: 30 },
      { runId: run.id, epoch: 0, step: 1, name: 'loss', value: 0.9, wallMs: 20 },
      { runId: run.id, epoch: 0, step: 0, name: 'loss', value: 1.2, wallMs: 10 },
      { runId: run.id, epoch: 0, name: 'val_accuracy', value: Number.NaN, wallMs: 25 },
    ]);
    expect(store.metrics.curves(run.id)).toEqual([
      { name: 'loss', epoch: [0, 0, 1], step: [0, 1, 0], value: [1.2, 0.9, 0.5], wallMs: [10, 20, 30] },
      { name: 'val_accuracy', epoch: [0], step: [null], value: [null], wallMs: [25] },
    ]);
    expect(store.metrics.curves(run.id, ['val_accuracy']).map((s) => s.name)).toEqual(['val_accuracy']);
    expect(store.metrics.curves(newRun().id)).toEqual([]);
  });

  it('stores a batch whole or not at all', () => {
    const run = newRun();
    const good = { runId: run.id, epoch: 0, name: 'loss', value: 1 };
    expect(storeError(() => store.metrics.appendMetrics([good, { ...good, runId: 'missing' }])).code).toBe('not-found');
    expect(store.metrics.count(run.id)).toBe(0);
    expect(storeError(() => store.metrics.appendMetrics([good, { ...good, epoch: -1 }])).message)
      .toBe('metrics[1].epoch: expected an integer ≥ 0, got -1');
    expect(store.metrics.count(run.id)).toBe(0);
    store.metrics.appendMetrics([good, { ...good, step: 3 }]);
    expect(store.metrics.count(run.id)).toBe(2);
  });
});

describe('evaluations', () => {
  const evaluation = (runId: string, split: string, accuracy: number) => ({
    runId, split, accuracy, loss: 0.3,
    perClass: [
      { className: 'cat', precision: 1, recall: 0.5, f1: 2 / 3, support: 2 },
      { className: 'dog', precision: 0.5, recall: 1, f1: 2 / 3, support: 1 },
    ],
    confusion: { labels: ['cat', 'dog'], matrix: [[1, 1], [0, 1]] },
    misclassified: [{ id: 'test/1', actual: 0, predicted: 1, confidence: 0.8 }],
  });

  it('replaces the evaluation per split and copies test accuracy onto the run', () => {
    const run = newRun();
    store.evaluations.save(evaluation(run.id, 'validation', 0.5));
    expect(store.runs.require(run.id).testAccuracy).toBeNull();
    const saved = store.evaluations.save(evaluation(run.id, 'test', 2 / 3));
    expect(saved).toMatchObject(evaluation(run.id, 'test', 2 / 3));
    expect(store.runs.require(run.id).testAccuracy).toBeCloseTo(2 / 3);
    store.evaluations.save(evaluation(run.id, 'test', 0.75));
    expect(store.evaluations.list(run.id).map((e) => [e.split, e.accuracy])).toEqual([['test', 0.75], ['validation', 0.5]]);
    expect(store.runs.require(run.id).testAccuracy).toBe(0.75);
    expect(storeError(() => store.evaluations.save(evaluation(run.id, 'test', 1.5))).message).toContain('from 0 to 1');
    expect(storeError(() => store.evaluations.save(evaluation('missing', 'test', 0.5))).code).toBe('not-found');
  });
});

describe('artifacts', () => {
  it('records files with their size, updating on the same path', () => {
    const run = newRun();
    fs.mkdirSync(run.runDir!, { recursive: true });
    const file = path.join(run.runDir!, 'model.json');
    fs.writeFileSync(file, '{"layers":[]}');
    const added = store.artifacts.add({ runId: run.id, kind: 'model', path: file });
    expect(added).toMatchObject({ runId: run.id, kind: 'model', path: file, sizeBytes: 13 });
    fs.writeFileSync(file, '{"layers":[1,2]}');
    store.artifacts.add({ runId: run.id, kind: 'model', path: file });
    store.artifacts.add({ runId: run.id, kind: 'checkpoint', path: path.join(run.runDir!, 'ckpt'), sizeBytes: null });
    expect(store.artifacts.list(run.id, 'model').map((a) => a.sizeBytes)).toEqual([16]);
    expect(store.artifacts.list(run.id)).toHaveLength(2);
    const missing = storeError(() => store.artifacts.add({ runId: run.id, kind: 'log', path: path.join(folder, 'nope.log') }));
    expect(missing.message).toContain('nope.log');
  });
});

describe('deleting', () => {
  it('removes a run with its metrics, evaluations, artifacts, tags and folder, and unlinks its children', () => {
    const source = newRun();
    const target = store.runs.create({ experimentId: source.experimentId, role: 'target', parentRunId: source.id });
    fs.mkdirSync(source.runDir!, { recursive: true });
    fs.writeFileSync(path.join(source.runDir!, 'weights.bin'), 'w');
    store.metrics.appendMetrics([{ runId: source.id, epoch: 0, name: 'loss', value: 1 }]);
    store.evaluations.save({ runId: source.id, split: 'test', accuracy: 1, perClass: [], confusion: { labels: [], matrix: [] } });
    store.artifacts.add({ runId: source.id, kind: 'model', path: path.join(source.runDir!, 'weights.bin') });
    store.tags.add(source.id, 'keep?');

    expect(store.deleteRun(source.id)?.id).toBe(source.id);
    for (const table of ['metrics', 'evaluations', 'artifacts', 'run_tags']) {
      expect(store.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get()).toBe(0);
    }
    expect(fs.existsSync(source.runDir!)).toBe(false);
    expect(store.runs.get(source.id)).toBeNull();
    expect(store.runs.require(target.id).parentRunId).toBeNull();
    expect(store.deleteRun(source.id)).toBeNull();
  });

  it('never removes a folder outside the store\'s runs folder', () => {
    const outside = tempFolder('transfer-lab-outside-');
    const run = newRun();
    store.runs.delete(run.id);
    const stray = store.runs.create({ experimentId: run.experimentId, role: 'source', runDir: outside });
    store.deleteRun(stray.id);
    expect(fs.existsSync(outside)).toBe(true);
  });

  it('deletes an experiment with all of its runs', () => {
    const run = newRun();
    store.metrics.appendMetrics([{ runId: run.id, epoch: 0, name: 'loss', value: 1 }]);
    expect(store.experiments.delete(run.experimentId)).toBe(true);
    expect(store.runs.get(run.id)).toBeNull();
    expect(store.metrics.count(run.id)).toBe(0);
  });
});

