// The supervisor with real worker processes (child_process.fork of dist/main/worker.js),
// real training on small built-in data, and a real SQLite file.
import { runTimings } from '../../../main/services/phase-timings';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAppContext, type AppContext } from '../../../main/services/app-context';
import { forkLauncher } from '../../../main/training/launcher';
import { workerFile } from '../../../main/paths';
import { createStore } from '../../../main/store';
import type { SupervisorEvent } from '../../../main/training/supervisor';
import { tinySpec, longSourceSpec } from './tiny-specs';

let dir: string;
let app: AppContext;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-supervisor-'));
});

afterEach(async () => {
  await app?.close();
  fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
});

function waitFor(app: AppContext, predicate: (e: SupervisorEvent) => boolean): Promise<SupervisorEvent> {
  return new Promise((resolve) => {
    const off = app.supervisor.subscribe((e) => {
      if (predicate(e)) {
        off();
        resolve(e);
      }
    });
  });
}

describe('supervisor with forked workers', () => {
  it('runs source, target and baseline and records everything in the store', async () => {
    app = createAppContext({ databaseFile: path.join(dir, 'db.sqlite') });
    const started = app.experiments.start(tinySpec({ baseline: true, targetEpochs: 2 }));
    const outcome = await started.done;
    expect(outcome.status).toBe('completed');

    const report = app.experiments.report(started.experimentId);
    expect(report.runs.map((r) => r.role)).toEqual(['source', 'target', 'baseline']);
    for (const run of report.runs) {
      expect(run.status).toBe('completed');
      expect(run.backend).toBe('wasm');
      expect(run.evaluation?.accuracy).toBeGreaterThanOrEqual(0);
      expect(run.evaluation?.confusionMatrix.flat().reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
      const model = app.store.artifacts.list(run.id, 'model')[0];
      expect(fs.existsSync(path.join(model.path, 'model.json'))).toBe(true);
    }
    const [source, target, baseline] = report.runs;
    expect(source.epochs).toHaveLength(1);
    expect(target.epochs).toHaveLength(2);
    expect(target.epochs[1].valAccuracy).not.toBeNull();
    expect(target.frozenLayers).toEqual(['conv1', 'pool1']);
    // The frozen conv block is cached, so only the Dense head trains: the dense trainer does it.
    const notes = (run: typeof target) => (app.store.runs.get(run.id)?.environment?.notes ?? []) as string[];
    expect(notes(target).some((n) => n.startsWith('frozen-feature cache: conv1..pool1'))).toBe(true);
    expect(notes(target).some((n) => n.startsWith('dense trainer (outside tfjs) on'))).toBe(true);
    expect(notes(source).some((n) => n.startsWith('data-parallel training over') || n.startsWith('training on one thread'))).toBe(true);
    // Each run records where its time went: the target's feature pass apart from its training.
    const timings = (run: typeof target) => runTimings(app.store.runs.get(run.id)!);
    for (const run of [source, target, baseline]) {
      const t = timings(run)!;
      expect(t.trainMs).toBeGreaterThan(0);
      expect(t.evaluateMs).toBeGreaterThan(0);
    }
    expect(timings(source)!.loadMs).toBeGreaterThan(0);
    expect(timings(target)!.loadMs).toBeGreaterThan(0);
    expect(timings(target)!.featuresMs).toBeGreaterThan(0);
    expect(timings(source)!.featuresMs).toBeUndefined();
    expect(timings(baseline)!.loadMs).toBe(0);
    // Before it started, the target run said what it and the baseline after it would cost.
    const estimate = (app.store.runs.get(target.id)?.environment as { estimate?: Record<string, number> }).estimate!;
    expect(estimate.featuresMs).toBeGreaterThan(0);
    expect(estimate.baselineMs).toBeGreaterThan(0);
    expect(notes(target).some((n) => n.startsWith('estimated: feature pass ~'))).toBe(true);
    expect(target.parentRunId).toBe(source.id);
    expect(baseline.parentRunId).toBe(target.id);
    expect(report.transferGain?.accuracyDelta).toBeCloseTo(target.evaluation!.accuracy - baseline.evaluation!.accuracy, 10);
  });

  it("trains on the number of threads the spec asks for (Settings' training threads)", async () => {
    app = createAppContext({ databaseFile: path.join(dir, 'db.sqlite') });
    const notesOf = async (trainingThreads: number) => {
      const { target: _target, ...sourceOnly } = tinySpec();
      const started = app.experiments.start({ ...sourceOnly, trainingThreads });
      expect((await started.done).status).toBe('completed');
      const [source] = app.experiments.report(started.experimentId).runs;
      return (app.store.runs.get(source.id)?.environment?.notes ?? []) as string[];
    };
    expect((await notesOf(1)).some((n) => n.startsWith('training on one thread'))).toBe(true);
    expect((await notesOf(2)).some((n) => n.startsWith('data-parallel training over 2 threads'))).toBe(true);
    expect(() => app.experiments.start({ ...tinySpec(), trainingThreads: 0 })).toThrow(/trainingThreads/);
  });

  it('reuses the model of an earlier source run', async () => {
    app = createAppContext({ databaseFile: path.join(dir, 'db.sqlite') });
    const first = app.experiments.start(tinySpec());
    await first.done;
    const sourceId = first.runs.find((r) => r.role === 'source')!.id;
    const spec = tinySpec();
    const second = app.experiments.start({ ...spec, source: { run: sourceId.slice(0, 12) } });
    expect(second.runs.map((r) => r.role)).toEqual(['target']);
    expect((await second.done).status).toBe('completed');
    expect(app.store.runs.require(second.runs[0].id).parentRunId).toBe(sourceId);
  });

  it('cancels a run: status cancelled, the epochs it finished are kept', async () => {
    app = createAppContext({ databaseFile: path.join(dir, 'db.sqlite') });
    const started = app.experiments.start(longSourceSpec());
    await waitFor(app, (e) => e.type === 'run-epoch' && e.metrics.epoch >= 2);
    app.experiments.cancel(started.experimentId);
    const outcome = await started.done;
    expect(outcome.status).toBe('cancelled');
    const run = app.store.runs.require(started.runs[0].id);
    expect(run.status).toBe('cancelled');
    expect(run.endedAt).not.toBeNull();
    const report = app.experiments.report(started.experimentId);
    expect(report.runs[0].epochs.length).toBeGreaterThanOrEqual(2);
    expect(report.runs[0].epochs.length).toBeLessThan(200);
  });

  it('a worker killed mid-run leaves the run failed with the reason and its metrics kept', async () => {
    let pid: number | undefined;
    const launch = forkLauncher(workerFile());
    app = createAppContext({
      databaseFile: path.join(dir, 'db.sqlite'),
      launcher: () => {
        const handle = launch();
        pid = handle.pid;
        return handle;
      },
    });
    const started = app.experiments.start(longSourceSpec());
    await waitFor(app, (e) => e.type === 'run-epoch' && e.metrics.epoch >= 2);
    process.kill(pid!, 'SIGKILL');
    const outcome = await started.done;
    expect(outcome.status).toBe('failed');
    const run = app.store.runs.require(started.runs[0].id);
    expect(run.status).toBe('failed');
    // POSIX reports the signal. On Windows another process's kill is TerminateProcess with
    // exit code 1, and the parent sees only that code, no signal.
    expect(run.error).toMatch(process.platform === 'win32' ? /the training process exited with code 1 before finishing/ : /killed by SIGKILL/);
    await app.close();
    // Reopened by another connection, as the history view would: the epochs are there.
    const store = createStore(path.join(dir, 'db.sqlite'));
    try {
      const losses = store.metrics.curves(run.id, ['loss'])[0];
      expect(losses.epoch.filter((_, i) => losses.step[i] === null).length).toBeGreaterThanOrEqual(2);
    } finally {
      store.close();
    }
  });

  it('reports a worker that runs out of memory as such', async () => {
    // A CSV of 150,000 rows parsed by a worker whose JavaScript heap is capped at 16 MB:
    // V8 aborts with "JavaScript heap out of memory", as a too-large dataset would.
    const csv = path.join(dir, 'big.csv');
    const lines = ['label,' + Array.from({ length: 12 }, (_, i) => `f${i}`).join(',')];
    for (let r = 0; r < 150_000; r++) lines.push(`${r % 2},` + Array.from({ length: 12 }, (_, i) => ((r * 31 + i) % 97) / 7).join(','));
    fs.writeFileSync(csv, lines.join('\n'));
    app = createAppContext({
      databaseFile: path.join(dir, 'db.sqlite'),
      launcher: forkLauncher(workerFile(), { execArgv: ['--max-old-space-size=16'] }),
    });
    const started = app.experiments.start({
      name: 'too big',
      backend: 'wasm',
      source: { dataset: { kind: 'csv', path: csv, label: 'label' }, model: { architecture: 'mlp' }, training: { epochs: 1 } },
    });
    const outcome = await started.done;
    expect(outcome.status).toBe('failed');
    expect(app.store.runs.require(started.runs[0].id).error).toMatch(/ran out of memory/);
  });
});
