// The window factory with FakeBrowserWindow (a test double standing in for Electron's
// BrowserWindow that records the options it was constructed with), and the window-state
// file it reads and writes for real.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserWindowConstructorOptions } from 'electron';
import { SECURE_WEB_PREFERENCES, createMainWindow, type MainWindow } from '../../../main/electron/window';
import { APP_PAGE_URL } from '../../../main/electron/protocol';
import { fitToWorkAreas, readWindowState, writeWindowState } from '../../../main/electron/window-state';

/** FakeBrowserWindow: a test double standing in for Electron's BrowserWindow. */
class FakeBrowserWindow extends EventEmitter implements MainWindow {
  static created: FakeBrowserWindow[] = [];
  readonly webContents = {};
  loaded: string[] = [];
  shown = false;
  maximized = false;
  bounds: { x: number; y: number; width: number; height: number };
  constructor(readonly options: BrowserWindowConstructorOptions) {
    super();
    this.bounds = { x: options.x ?? 0, y: options.y ?? 0, width: options.width ?? 800, height: options.height ?? 600 };
    FakeBrowserWindow.created.push(this);
  }
  async loadURL(url: string): Promise<void> {
    this.loaded.push(url);
  }
  show(): void {
    this.shown = true;
  }
  maximize(): void {
    this.maximized = true;
  }
  isMaximized(): boolean {
    return this.maximized;
  }
  getNormalBounds() {
    return this.bounds;
  }
}

const screen = [{ x: 0, y: 0, width: 1920, height: 1080 }];
let dir: string;
let stateFile: string;
let notes: string[];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-window-'));
  stateFile = path.join(dir, 'window-state.json');
  notes = [];
  FakeBrowserWindow.created = [];
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function open() {
  return createMainWindow({ BrowserWindow: FakeBrowserWindow, preloadFile: '/app/dist/preload/index.js', stateFile, workAreas: screen, log: (m) => notes.push(m) });
}

describe('createMainWindow', () => {
  it('passes exactly the pinned secure webPreferences plus the preload', () => {
    const window = open();
    expect(window.options.webPreferences).toEqual({ ...SECURE_WEB_PREFERENCES, preload: '/app/dist/preload/index.js' });
    // The pins themselves, spelled out so that loosening the constant fails here too.
    expect(SECURE_WEB_PREFERENCES).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    });
    expect(Object.isFrozen(SECURE_WEB_PREFERENCES)).toBe(true);
    expect(() => {
      (SECURE_WEB_PREFERENCES as { sandbox: boolean }).sandbox = false;
    }).toThrow(TypeError);
  });

  it('loads app://transfer-lab/index.html, never file://, and shows when ready', () => {
    const window = open();
    expect(window.loaded).toEqual([APP_PAGE_URL]);
    expect(window.options.show).toBe(false);
    window.emit('ready-to-show');
    expect(window.shown).toBe(true);
  });

  it('remembers size, position and maximized state across runs', () => {
    const first = open();
    expect(first.options).toMatchObject({ width: 1280, height: 840 });
    first.bounds = { x: 100, y: 50, width: 1000, height: 700 };
    first.maximized = true;
    first.emit('close');
    expect(readWindowState(stateFile)).toEqual({ state: { x: 100, y: 50, width: 1000, height: 700, maximized: true } });

    const second = open();
    expect(second.options).toMatchObject({ x: 100, y: 50, width: 1000, height: 700 });
    second.emit('ready-to-show');
    expect(second.maximized).toBe(true);
    expect(notes).toEqual([]);
  });

  it('ignores a corrupt or invalid state file, saying which file and field', () => {
    fs.writeFileSync(stateFile, '{not json');
    expect(open().options).toMatchObject({ width: 1280, height: 840 });
    fs.writeFileSync(stateFile, JSON.stringify({ width: 'wide', height: 700, maximized: false }));
    expect(open().options).toMatchObject({ width: 1280, height: 840 });
    fs.writeFileSync(stateFile, JSON.stringify({ width: 900, height: 700, maximized: false, __proto__x: 1 }));
    open();
    expect(notes[0]).toContain(stateFile);
    expect(notes[0]).toMatch(/not valid JSON/);
    expect(notes[1]).toMatch(/width: .*number/i);
    expect(notes[2]).toMatch(/unrecognized key|__proto__x/i);
  });
});

describe('window state on changed displays', () => {
  it('drops a position that is on no display and shrinks to the largest screen', () => {
    expect(fitToWorkAreas({ x: 3000, y: 100, width: 1000, height: 700, maximized: false }, screen)).toEqual({ width: 1000, height: 700, maximized: false });
    expect(fitToWorkAreas({ x: 100, y: 100, width: 4000, height: 3000, maximized: false }, screen)).toEqual({ x: 100, y: 100, width: 1920, height: 1080, maximized: false });
    const twoScreens = [...screen, { x: 1920, y: 0, width: 1280, height: 1024 }];
    expect(fitToWorkAreas({ x: 2000, y: 10, width: 800, height: 600, maximized: false }, twoScreens)).toMatchObject({ x: 2000, y: 10 });
  });

  it('writes atomically and refuses to write nonsense', () => {
    writeWindowState(stateFile, { width: 800, height: 600, maximized: false });
    expect(fs.readdirSync(dir)).toEqual(['window-state.json']);
    expect(() => writeWindowState(stateFile, { width: -1, height: 600, maximized: false })).toThrow();
  });
});
