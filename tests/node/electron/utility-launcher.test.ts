// The utilityProcess adapter, driven through FakeUtilityProcess (a test double standing in
// for Electron's UtilityProcess) and a FakeElectronApp for app's 'child-process-gone';
// the last test runs it under the real supervisor and store.
import { afterEach, describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PhaseStarted, ToWorker } from '../../../main/training/protocol';
import type { WorkerExit } from '../../../main/training/launcher';
import { createAppContext } from '../../../main/services/app-context';
import { SERVICE_NAME, describeFatalError, utilityLauncher, workerEnvironment, type ChildProcessGone, type UtilityForkOptions } from '../../../main/electron/utility-launcher';
import { tinySpec } from '../training/tiny-specs';

/** FakeUtilityProcess: a test double standing in for Electron's UtilityProcess. */
class FakeUtilityProcess extends EventEmitter {
  pid: number | undefined = undefined;
  readonly stderr = new PassThrough();
  posted: unknown[] = [];
  killed = false;
  constructor(
    readonly modulePath: string,
    readonly options: UtilityForkOptions,
  ) {
    super();
  }
  postMessage(message: unknown) {
    this.posted.push(message);
  }
  /** Like Electron's: before 'spawn' there is no process to kill, and it does nothing. */
  kill() {
    if (this.pid === undefined) return false;
    this.killed = true;
    return true;
  }
  spawn(pid = 4242) {
    this.pid = pid;
    this.emit('spawn');
  }
}

/** FakeElectronApp: a test double for the app's 'child-process-gone' event. */
class FakeElectronApp extends EventEmitter {
  gone(details: ChildProcessGone) {
    this.emit('child-process-gone', {}, details);
  }
}

function setup(goneWaitMs = 200) {
  const children: FakeUtilityProcess[] = [];
  const app = new FakeElectronApp();
  const launch = utilityLauncher({
    fork: (modulePath, _args, options) => {
      const child = new FakeUtilityProcess(modulePath, options);
      children.push(child);
      return child;
    },
    onChildProcessGone: (listener) => {
      const relay = (_e: unknown, d: ChildProcessGone) => listener(d);
      app.on('child-process-gone', relay);
      return () => app.off('child-process-gone', relay);
    },
    workerFile: '/app/dist/main/worker.js',
    env: { PATH: '/bin', NODE_OPTIONS: '--require /tmp/evil.js', ELECTRON_RUN_AS_NODE: '1', TRANSFER_LAB_HOME: '/data' },
    goneWaitMs,
  });
  return { children, app, launch };
}

const exitOf = (handle: { onExit(l: (e: WorkerExit) => void): void }) => new Promise<WorkerExit>((resolve) => handle.onExit(resolve));
const cancel: ToWorker = { type: 'cancel' };

describe('utilityLauncher', () => {
  it('forks the worker file as a named, piped utility process with a cleaned environment', () => {
    const { children, launch } = setup();
    launch();
    launch();
    expect(children.map((c) => c.modulePath)).toEqual(['/app/dist/main/worker.js', '/app/dist/main/worker.js']);
    expect(children.map((c) => c.options.serviceName)).toEqual([`${SERVICE_NAME} 1`, `${SERVICE_NAME} 2`]);
    expect(children[0].options.stdio).toBe('pipe');
    expect(children[0].options.env).toEqual({ PATH: '/bin', TRANSFER_LAB_HOME: '/data' });
    expect(workerEnvironment({ NODE_OPTIONS: 'x' })).toEqual({});
    // Windows reads environment names without regard to case.
    expect(workerEnvironment({ Node_Options: '--require x.js', electron_run_as_node: '1', Path: 'C:\\Windows' })).toEqual({ Path: 'C:\\Windows' });
  });

  it('queues messages until the process has spawned, then relays both ways', () => {
    const { children, launch } = setup();
    const handle = launch();
    const child = children[0];
    handle.send(cancel);
    expect(child.posted).toEqual([]);
    child.spawn(99);
    expect(child.posted).toEqual([cancel]);
    expect(handle.pid).toBe(99);
    handle.send(cancel);
    expect(child.posted).toEqual([cancel, cancel]);
    const received: unknown[] = [];
    handle.onMessage((m) => received.push(m));
    child.emit('message', { type: 'log', message: 'hello' });
    expect(received).toEqual([{ type: 'log', message: 'hello' }]);
    handle.kill();
    expect(child.killed).toBe(true);
  });

  it("surfaces the 'oom' reason from child-process-gone, whichever event comes first", async () => {
    for (const order of ['exit-first', 'gone-first'] as const) {
      const { children, app, launch } = setup();
      const handle = launch();
      const child = children[0];
      child.spawn();
      child.stderr.write('FATAL ERROR: Reached heap limit Allocation failed\n');
      const exit = exitOf(handle);
      const gone = { type: 'Utility', reason: 'oom', exitCode: 134, serviceName: child.options.serviceName };
      if (order === 'exit-first') {
        child.emit('exit', 134);
        app.gone(gone);
      } else {
        app.gone(gone);
        child.emit('exit', 134);
      }
      const result = await exit;
      expect(result.reason, order).toBe('oom');
      expect(result.code).toBe(134);
      expect(result.stderrTail).toContain('Reached heap limit');
      expect(app.listenerCount('child-process-gone'), order).toBe(0);
    }
  });

  it("ignores another worker's gone event and reports an unexplained crash after the wait", async () => {
    const { children, app, launch } = setup(50);
    const first = launch();
    launch();
    children[0].spawn();
    const exit = exitOf(first);
    app.gone({ type: 'Utility', reason: 'oom', exitCode: 1, serviceName: children[1].options.serviceName });
    const started = Date.now();
    children[0].emit('exit', 1);
    const result = await exit;
    expect(result.reason).toBeUndefined();
    expect(result.code).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
    first.send(cancel); // after exit: dropped, not posted
    expect(children[0].posted).toEqual([]);
  });

  it('applies a kill() made before spawn once the process spawns, and never sends it the queued start', () => {
    const { children, launch } = setup();
    const handle = launch();
    const child = children[0];
    handle.send({ type: 'start', job: {} } as unknown as ToWorker);
    handle.kill();
    expect(child.killed).toBe(false); // nothing to kill yet
    child.spawn();
    expect(child.killed).toBe(true);
    expect(child.posted).toEqual([]);
  });

  it("records the process's 'error' event (a V8 fatal error) in the exit instead of throwing", async () => {
    const { children, app, launch } = setup();
    const handle = launch();
    const child = children[0];
    child.spawn();
    const exit = exitOf(handle);
    const report = JSON.stringify({ header: { event: 'Allocation failed - JavaScript heap out of memory', trigger: 'FatalError' } });
    // An EventEmitter throws on an 'error' event nobody listens to; this one must not.
    expect(() => child.emit('error', 'FatalError', 'Reached heap limit', report)).not.toThrow();
    child.emit('exit', 133);
    app.gone({ type: 'Utility', reason: 'crashed', exitCode: 133, serviceName: child.options.serviceName });
    const result = await exit;
    expect(result.reason).toBe('crashed');
    expect(result.stderrTail).toBe('FatalError: Reached heap limit - Allocation failed - JavaScript heap out of memory\nutility process gone: crashed (exit code 133)');
    expect(describeFatalError('FatalError', 'somewhere', 'not json')).toBe('FatalError: somewhere');
  });

  it('reports a clean exit without waiting or a reason', async () => {
    const { children, launch } = setup(10_000);
    const handle = launch();
    children[0].spawn();
    const exit = exitOf(handle);
    children[0].emit('exit', 0);
    expect(await exit).toEqual({ code: 0, signal: null, stderrTail: '' });
  });
});

describe('utilityLauncher under the real supervisor and store', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('marks the running run failed with an out-of-memory message when the worker dies of oom', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-utility-'));
    const { children, app, launch } = setup(1000);
    const ctx = createAppContext({ databaseFile: path.join(dir, 'transfer-lab.sqlite'), launcher: launch });
    try {
      const started = ctx.experiments.start(tinySpec());
      const child = children[0];
      child.spawn();
      expect((child.posted[0] as ToWorker).type).toBe('start');
      const sourceRun = started.runs[0].id;
      const phaseStarted: PhaseStarted = {
        type: 'phase-started',
        runId: sourceRun,
        environment: { backend: 'wasm', backendRequested: 'wasm', backendSkipped: [], tfjsVersion: '4.22.0', appVersion: '0.1.0', os: 'test', arch: 'x64', cpu: 'test', cpuCount: 1, memoryBytes: 1, nodeVersion: 'v20' },
        architecture: 'seed-cnn',
        hyperparams: {},
        frozenLayers: [],
        dataset: { description: 'shapes', classNames: ['circle', 'square'], inputShape: [28, 28, 1], train: 10, validation: 2, test: 2 },
        notes: [],
        warnings: [],
      };
      child.emit('message', phaseStarted);
      expect(ctx.store.runs.require(sourceRun).status).toBe('running');
      child.emit('exit', 1);
      app.gone({ type: 'Utility', reason: 'oom', exitCode: 1, serviceName: child.options.serviceName });
      const outcome = await started.done;
      expect(outcome.status).toBe('failed');
      const run = ctx.store.runs.require(sourceRun);
      expect(run.status).toBe('failed');
      expect(run.error).toMatch(/ran out of memory/);
    } finally {
      await ctx.close();
    }
  });

  it('names the reason Electron gives when the worker is killed from outside', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-utility-'));
    const { children, app, launch } = setup(1000);
    const ctx = createAppContext({ databaseFile: path.join(dir, 'transfer-lab.sqlite'), launcher: launch });
    try {
      const started = ctx.experiments.start(tinySpec());
      const child = children[0];
      child.spawn();
      child.emit('exit', 15);
      app.gone({ type: 'Utility', reason: 'killed', exitCode: 15, serviceName: child.options.serviceName });
      expect((await started.done).status).toBe('failed');
      expect(ctx.store.runs.require(started.runs[0].id).error).toMatch(/exited with code 15.*utility process gone: killed/);
    } finally {
      await ctx.close();
    }
  });

  it("marks the run failed as out of memory from the 'error' event alone, when stderr was lost and the reason is only 'crashed'", async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-utility-'));
    const { children, app, launch } = setup(1000);
    const ctx = createAppContext({ databaseFile: path.join(dir, 'transfer-lab.sqlite'), launcher: launch });
    try {
      const started = ctx.experiments.start(tinySpec());
      const child = children[0];
      child.spawn();
      const report = JSON.stringify({ header: { event: 'Allocation failed - JavaScript heap out of memory' } });
      child.emit('error', 'FatalError', 'Reached heap limit', report);
      child.emit('exit', 133);
      app.gone({ type: 'Utility', reason: 'crashed', exitCode: 133, serviceName: child.options.serviceName });
      const outcome = await started.done;
      expect(outcome.status).toBe('failed');
      expect(ctx.store.runs.require(started.runs[0].id).error).toMatch(/ran out of memory/);
    } finally {
      await ctx.close();
    }
  });
});
