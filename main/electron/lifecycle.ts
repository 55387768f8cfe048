// The app's lifecycle decisions, apart from Electron's objects so they run under plain Node
// with test doubles (tests/node/electron/lifecycle.test.ts):
//   - the data folder: TRANSFER_LAB_HOME moves Chromium's profile and the single-instance
//     lock too, so it must be applied before the lock is requested;
//   - the main window reference: cleared when the window closes, before anything that could
//     touch the destroyed webContents;
//   - quitting: cancel training and close the database once, whichever way the app ends —
//     a normal quit (before-quit), a system shutdown on Linux/macOS (powerMonitor 'shutdown',
//     which can be delayed while the app quits) or a Windows shutdown/log-off ('session-end'
//     on the window, which cannot be delayed, so the database is closed synchronously).
import path from 'node:path';
import type { AppContext } from '../services/app-context';
import type { IpcWebContents, WindowRegistry } from './ipc';

export interface LockingApp {
  setPath(name: 'userData', value: string): void;
  requestSingleInstanceLock(): boolean;
}

/** The folder TRANSFER_LAB_HOME names, absolute; undefined when unset. */
export function dataFolderOverride(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const home = env.TRANSFER_LAB_HOME;
  return home && home.trim() !== '' ? path.resolve(home) : undefined;
}

/**
 * Points userData at TRANSFER_LAB_HOME when set, then takes the single-instance lock (which
 * lives in userData, so the order matters). True when this process got the lock.
 */
export function claimSingleInstance(app: LockingApp, env: NodeJS.ProcessEnv = process.env): boolean {
  const folder = dataFolderOverride(env);
  if (folder) app.setPath('userData', folder);
  return app.requestSingleInstanceLock();
}

/** The slice of a BrowserWindow this module uses. */
export interface TrackedWindow {
  readonly webContents: { readonly id: number };
  on(event: 'closed', listener: () => void): unknown;
  isMinimized(): boolean;
  restore(): void;
  focus(): void;
}

/**
 * Holds the one main window. Electron destroys the webContents before 'closed', so its id is
 * read when the window is adopted, and the reference is cleared first on close.
 */
export class MainWindowSlot<W extends TrackedWindow> {
  private window: W | null = null;

  constructor(private readonly registry: Pick<WindowRegistry, 'add' | 'removeId'>) {}

  get current(): W | null {
    return this.window;
  }

  adopt(window: W): W {
    const contents = window.webContents;
    const id = contents.id;
    this.registry.add(contents as IpcWebContents);
    this.window = window;
    window.on('closed', () => {
      if (this.window === window) this.window = null;
      this.registry.removeId(id);
    });
    return window;
  }

  /** second-instance: bring the existing window forward. */
  focus(): void {
    const window = this.window;
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  }
}

export interface QuittingApp {
  quit(): void;
  exit(code?: number): void;
}

export interface PreventableEvent {
  preventDefault(): void;
}

/** The parts of the app context that quitting needs. */
export type ClosableContext = Pick<AppContext, 'close' | 'store' | 'supervisor'>;

/**
 * Ends the app once: cleanups (IPC, event forwarding) first, then cancel training and close
 * the database, then quit for real.
 */
export class QuitSequence {
  private context?: ClosableContext;
  /** The context an orderly close is working on, until it is done. */
  private closing?: ClosableContext;
  private readonly cleanups: (() => void)[] = [];
  private state: 'open' | 'closing' | 'closed' = 'open';

  constructor(
    private readonly app: QuittingApp,
    private readonly log: (message: string, err?: unknown) => void = (m, e) => console.error(m, e ?? ''),
  ) {}

  /** True once quitting has begun (no new windows then). */
  get quitting(): boolean {
    return this.state !== 'open';
  }

  attach(context: ClosableContext, ...cleanups: (() => void)[]): void {
    this.context = context;
    this.cleanups.push(...cleanups);
  }

  /** app 'before-quit': hold the quit until training is cancelled and the database closed. */
  beforeQuit(event: PreventableEvent): void {
    if (this.state === 'closed' || (this.state === 'open' && !this.context)) return;
    event.preventDefault();
    if (this.state === 'closing') return;
    this.state = 'closing';
    const context = this.take();
    this.closing = context;
    context
      .close()
      .catch((err: unknown) => this.log('Transfer Lab: error while closing', err))
      .finally(() => {
        this.state = 'closed';
        this.closing = undefined;
        this.app.quit();
      });
  }

  /**
   * powerMonitor 'shutdown' (Linux, macOS): delay the shutdown and quit, which runs
   * beforeQuit's orderly close; Electron releases the delay when the app exits.
   */
  systemShutdown(event?: PreventableEvent): void {
    event?.preventDefault();
    this.app.quit();
  }

  /**
   * The window's 'session-end' (Windows shutdown or log-off): Windows may end the process as
   * soon as this returns, so cancel training and close the database synchronously, then exit.
   * Runs still marked running are recorded as interrupted on the next start (their worker is
   * gone), and everything committed before is kept.
   */
  sessionEnd(): void {
    // Also when an orderly close is under way (the user quit, then logged off): it may not
    // get to finish, so its database is closed now too (closing twice is harmless).
    const context = this.state === 'open' && this.context ? this.take() : this.closing;
    this.state = 'closed';
    if (context) {
      try {
        for (const id of context.supervisor.running()) context.supervisor.get(id)?.cancel();
        context.store.close();
      } catch (err) {
        this.log('Transfer Lab: error while closing at the end of the session', err);
      }
    }
    this.app.exit(0);
  }

  private take(): ClosableContext {
    // Event forwarding and IPC stop first: nothing may reach a closing database or a window.
    for (const cleanup of this.cleanups.splice(0)) {
      try {
        cleanup();
      } catch (err) {
        this.log('Transfer Lab: error while cleaning up', err);
      }
    }
    const context = this.context!;
    this.context = undefined;
    return context;
  }
}
