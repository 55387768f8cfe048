// The app's lifecycle decisions (main/electron/lifecycle.ts) with test doubles standing in
// for Electron's app and BrowserWindow (FakeLifecycleApp, FakeClosingWindow), and a real
// app context (SQLite file, supervisor) behind the quit paths.
import { afterEach, describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { claimSingleInstance, MainWindowSlot, QuitSequence, type TrackedWindow } from '../../../main/electron/lifecycle';
import { WindowRegistry, type IpcWebContents } from '../../../main/electron/ipc';
import { createAppContext } from '../../../main/services/app-context';
import type { ToWorker } from '../../../main/training/protocol';
import type { WorkerHandle } from '../../../main/training/launcher';
import { tinySpec } from '../training/tiny-specs';

/** FakeLifecycleApp: a test double for Electron's app, recording calls in order. */
class FakeLifecycleApp {
  calls: string[] = [];
  setPath(name: string, value: string) {
    this.calls.push(`setPath ${name} ${value}`);
  }
  requestSingleInstanceLock() {
    this.calls.push('requestSingleInstanceLock');
    return true;
  }
  quit() {
    this.calls.push('quit');
  }
  exit(code?: number) {
    this.calls.push(`exit ${code}`);
  }
}

/** FakeClosingWindow: a test double for BrowserWindow whose webContents, like Electron's, throws once destroyed. */
class FakeClosingWindow extends EventEmitter implements TrackedWindow {
  destroyed = false;
  focused = 0;
  minimized = false;
  private readonly contentsId: number;
  readonly webContents: { readonly id: number } & Pick<IpcWebContents, 'isDestroyed' | 'send'>;
  constructor(id: number) {
    super();
    this.contentsId = id;
    const isDestroyed = () => this.destroyed;
    const contentsId = () => this.contentsId;
    this.webContents = {
      get id() {
        if (isDestroyed()) throw new TypeError('Object has been destroyed');
        return contentsId();
      },
      isDestroyed,
      send: () => undefined,
    };
  }
  /** Electron's order: the webContents is destroyed, then 'closed' is emitted. */
  close() {
    this.destroyed = true;
    this.emit('closed');
  }
  isMinimized() {
    return this.minimized;
  }
  restore() {
    this.minimized = false;
  }
  focus() {
    this.focused += 1;
  }
}

describe('claimSingleInstance', () => {
  it('moves userData to TRANSFER_LAB_HOME before taking the single-instance lock', () => {
    const app = new FakeLifecycleApp();
    expect(claimSingleInstance(app, { TRANSFER_LAB_HOME: 'portable/data' })).toBe(true);
    expect(app.calls).toEqual([`setPath userData ${path.resolve('portable/data')}`, 'requestSingleInstanceLock']);
  });

  it('leaves userData alone when TRANSFER_LAB_HOME is unset or blank', () => {
    for (const env of [{}, { TRANSFER_LAB_HOME: '  ' }]) {
      const app = new FakeLifecycleApp();
      claimSingleInstance(app, env);
      expect(app.calls).toEqual(['requestSingleInstanceLock']);
    }
  });
});

describe('MainWindowSlot', () => {
  it('clears the window and its registry entry when closed, although the webContents is already destroyed', () => {
    const registry = new WindowRegistry();
    const slot = new MainWindowSlot<FakeClosingWindow>(registry);
    const window = slot.adopt(new FakeClosingWindow(7));
    expect(slot.current).toBe(window);
    expect(registry.has(window.webContents as IpcWebContents)).toBe(true);
    expect(() => window.close()).not.toThrow();
    expect(slot.current).toBeNull();
    expect(registry.all()).toEqual([]);
    slot.focus(); // second-instance with no window: nothing to touch
    expect(window.focused).toBe(0);
  });

  it('a second window (macOS dock reopen) takes over; closing the old one later does not clear it', () => {
    const registry = new WindowRegistry();
    const slot = new MainWindowSlot<FakeClosingWindow>(registry);
    const first = slot.adopt(new FakeClosingWindow(1));
    const second = slot.adopt(new FakeClosingWindow(2));
    first.close();
    expect(slot.current).toBe(second);
    second.minimized = true;
    slot.focus();
    expect(second.minimized).toBe(false);
    expect(second.focused).toBe(1);
  });
});

describe('QuitSequence with a real app context', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A worker without a process: it records what the supervisor sends it and "exits" when killed. */
  function recordingLauncher(sent: ToWorker[], exitsWhenKilled: boolean) {
    return (): WorkerHandle => {
      const exits: ((exit: { code: number | null; signal: string | null }) => void)[] = [];
      return {
        pid: undefined,
        send: (message) => sent.push(message),
        onMessage: () => undefined,
        onExit: (listener) => exits.push(listener),
        kill: () => {
          if (exitsWhenKilled) setImmediate(() => exits.forEach((l) => l({ code: null, signal: 'SIGKILL' })));
        },
      };
    };
  }

  function context(sent: ToWorker[], exitsWhenKilled = true) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-lifecycle-'));
    return createAppContext({ databaseFile: path.join(dir, 'transfer-lab.sqlite'), launcher: recordingLauncher(sent, exitsWhenKilled), cancelGraceMs: 20 });
  }

  it("Windows 'session-end': cancels training and closes the database synchronously, then exits", () => {
    const sent: ToWorker[] = [];
    // app.exit ends the process and its workers: nothing after it runs, so no exit is reported.
    const ctx = context(sent, false);
    const app = new FakeLifecycleApp();
    const cleanups: string[] = [];
    const sequence = new QuitSequence(app);
    sequence.attach(ctx, () => cleanups.push('ipc'));
    ctx.experiments.start(tinySpec());
    sequence.sessionEnd();
    expect(sent.map((m) => m.type)).toEqual(['start', 'cancel']);
    expect(ctx.store.db.open).toBe(false);
    expect(cleanups).toEqual(['ipc']);
    expect(app.calls).toEqual(['exit 0']);
    // A later before-quit (if any) finds nothing left to close and does not hold the quit.
    let prevented = false;
    sequence.beforeQuit({ preventDefault: () => (prevented = true) });
    expect(prevented).toBe(false);
  });

  it("Windows 'session-end' during an orderly quit still closes the database before exiting", () => {
    const sent: ToWorker[] = [];
    const ctx = context(sent, false); // a worker that never stops: the orderly close cannot finish
    const app = new FakeLifecycleApp();
    const sequence = new QuitSequence(app);
    sequence.attach(ctx);
    ctx.experiments.start(tinySpec());
    sequence.beforeQuit({ preventDefault: () => undefined });
    expect(ctx.store.db.open).toBe(true); // still waiting for the worker
    sequence.sessionEnd();
    expect(ctx.store.db.open).toBe(false);
    expect(app.calls).toEqual(['exit 0']);
  });

  it("powerMonitor 'shutdown' delays the shutdown and quits; before-quit then cancels, closes and quits once", async () => {
    const sent: ToWorker[] = [];
    const ctx = context(sent);
    const app = new FakeLifecycleApp();
    const sequence = new QuitSequence(app);
    sequence.attach(ctx);
    const started = ctx.experiments.start(tinySpec());
    let prevented = 0;
    const event = { preventDefault: () => (prevented += 1) };
    expect(sequence.quitting).toBe(false);
    sequence.systemShutdown(event);
    expect(prevented).toBe(1);
    expect(app.calls).toEqual(['quit']);
    sequence.beforeQuit(event);
    expect(sequence.quitting).toBe(true); // main/index.ts opens no window from now on
    sequence.beforeQuit(event); // Electron may ask again while closing: still held, closed once
    expect(prevented).toBe(3);
    expect(sent.map((m) => m.type)).toEqual(['start', 'cancel']);
    // The worker does not stop by itself: the supervisor kills it after the grace period,
    // records the runs cancelled, the database closes and the app quits for real.
    expect((await started.done).status).toBe('cancelled');
    await new Promise((r) => setTimeout(r, 50));
    expect(ctx.store.db.open).toBe(false);
    expect(app.calls).toEqual(['quit', 'quit']);
    // That second quit's before-quit is let through.
    let preventedAfter = false;
    sequence.beforeQuit({ preventDefault: () => (preventedAfter = true) });
    expect(preventedAfter).toBe(false);
  });
});
