// The main window factory. Its webPreferences are pinned here, frozen, and spelled out
// even where they equal Electron's defaults, so a future default change or a stray edit
// cannot loosen them silently (a test compares what the window receives with this object).
import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';
import { APP_PAGE_URL } from './protocol';
import { captureWindowState, fitToWorkAreas, readWindowState, writeWindowState, type Rect } from './window-state';

/** Electron security checklist items in brackets (see security.ts). */
export const SECURE_WEB_PREFERENCES = Object.freeze({
  contextIsolation: true, // [3] the preload's world is separate from the page's
  sandbox: true, // [4] the renderer runs in Chromium's OS sandbox
  nodeIntegration: false, // [2] no require() in the page
  nodeIntegrationInWorker: false, // [2] nor in its workers
  nodeIntegrationInSubFrames: false, // [2] nor in frames
  webSecurity: true, // [6] same-origin policy on
  allowRunningInsecureContent: false, // [8]
  experimentalFeatures: false, // [9]
  webviewTag: false, // [11, 12] no <webview>
  navigateOnDragDrop: false, // [13] dropping a file on the window must not navigate to it
  spellcheck: false, // no dictionary downloads, no text sent to an OS spellchecker
  safeDialogs: true,
} satisfies WebPreferences);

/** The slice of a BrowserWindow the factory uses (FakeBrowserWindow in tests implements it). */
export interface MainWindow {
  readonly webContents: unknown;
  loadURL(url: string): Promise<void>;
  on(event: 'close' | 'ready-to-show' | 'closed', listener: () => void): unknown;
  once(event: 'ready-to-show', listener: () => void): unknown;
  show(): void;
  maximize(): void;
  isMaximized(): boolean;
  getNormalBounds(): Rect;
}

export type MainWindowConstructor<W extends MainWindow> = new (options: BrowserWindowConstructorOptions) => W;

export interface MainWindowOptions<W extends MainWindow> {
  /** Electron's BrowserWindow (or a test double standing in for it). */
  BrowserWindow: MainWindowConstructor<W>;
  /** The built preload, dist/preload/index.js. */
  preloadFile: string;
  /** <data folder>/window-state.json */
  stateFile: string;
  /** Work areas of the connected displays (screen.getAllDisplays().map(d => d.workArea)). */
  workAreas: Rect[];
  log?: (message: string) => void;
}

/** The exact options the main window is created with. */
export function mainWindowOptions(preloadFile: string, bounds: { x?: number; y?: number; width: number; height: number }): BrowserWindowConstructorOptions {
  return {
    ...bounds,
    minWidth: 760,
    minHeight: 520,
    title: 'Transfer Lab',
    // Shown once the first paint is ready, so the window never flashes blank.
    show: false,
    webPreferences: { ...SECURE_WEB_PREFERENCES, preload: preloadFile },
  };
}

/** Creates the main window at its remembered place and loads app://transfer-lab/index.html. */
export function createMainWindow<W extends MainWindow>(options: MainWindowOptions<W>): W {
  const log = options.log ?? console.warn;
  const saved = readWindowState(options.stateFile);
  if (saved.problem) log(saved.problem);
  const state = fitToWorkAreas(saved.state, options.workAreas);
  const { maximized, ...bounds } = state;
  const window = new options.BrowserWindow(mainWindowOptions(options.preloadFile, bounds));
  window.once('ready-to-show', () => {
    if (maximized) window.maximize();
    window.show();
  });
  window.on('close', () => {
    try {
      writeWindowState(options.stateFile, captureWindowState(window.getNormalBounds(), window.isMaximized()));
    } catch (err) {
      log(`cannot save the window state to ${options.stateFile}: ${(err as Error).message}`);
    }
  });
  window.loadURL(APP_PAGE_URL).catch((err: unknown) => log(`cannot load ${APP_PAGE_URL}: ${String(err)}`));
  return window;
}
