// The application menu's template and actions. FakeDialog stands in for Electron's dialog,
// FakeShell for its shell, FakeMenuWindow for a BrowserWindow; the core behind "Export
// model…" is the real one (a temp SQLite store).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MenuItemConstructorOptions, OpenDialogOptions } from 'electron';
import { createAppContext, type AppContext } from '../../../main/services/app-context';
import { createHandlers } from '../../../main/services/handlers';
import { APP_PAGES, createMenuActions, datasetImportUrl, menuTemplate, pageRunId, type MenuActions, type MenuWindow } from '../../../main/electron/menu';
import { isAllowedNavigation } from '../../../main/electron/security';
import type { DialogModule } from '../../../main/electron/dialogs';

/** FakeMenuWindow: a test double for a BrowserWindow (its page URL and loadURL). */
class FakeMenuWindow implements MenuWindow {
  loaded: string[] = [];
  constructor(public url: string) {}
  readonly webContents = {
    getURL: () => this.url,
    loadURL: async (url: string) => {
      this.loaded.push(url);
    },
  };
}

/** FakeDialog: a test double for Electron's dialog; answers open dialogs with `folder`. */
class FakeDialog implements DialogModule<FakeMenuWindow> {
  opened: OpenDialogOptions[] = [];
  messages: { type?: string; message: string; detail?: string }[] = [];
  constructor(public folder: string | null) {}
  async showOpenDialog(_w: FakeMenuWindow, options: OpenDialogOptions) {
    this.opened.push(options);
    return this.folder === null ? { canceled: true, filePaths: [] } : { canceled: false, filePaths: [this.folder] };
  }
  async showMessageBox(_w: FakeMenuWindow, options: { type?: string; message: string; detail?: string }) {
    this.messages.push({ type: options.type, message: options.message, detail: options.detail });
  }
}

const settle = () => new Promise((r) => setTimeout(r, 20));

function items(template: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return template.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? items(item.submenu) : [])]);
}

let dir: string;
let ctx: AppContext;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-menu-'));
  ctx = createAppContext({ databaseFile: path.join(dir, 'transfer-lab.sqlite') });
});
afterAll(async () => {
  await ctx.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('menuTemplate', () => {
  it('has the File items, the standard roles and About on every platform; clicks call the actions', () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      const clicked: string[] = [];
      const actions: MenuActions = {
        importDataset: () => clicked.push('import'),
        openDataFolder: () => clicked.push('folder'),
        exportModel: () => clicked.push('export'),
        about: () => clicked.push('about'),
        goTo: (page) => clicked.push(`go ${page}`),
      };
      const all = items(menuTemplate(actions, platform));
      const roles = all.map((i) => i.role).filter(Boolean);
      expect(roles, platform).toEqual(expect.arrayContaining(['editMenu', 'viewMenu', 'windowMenu', 'quit']));
      for (const id of ['import-dataset', 'open-data-folder', 'export-model', 'about']) {
        const item = all.find((i) => i.id === id);
        expect(item, `${platform} ${id}`).toBeDefined();
        (item!.click as () => void)();
      }
      expect(clicked).toEqual(['import', 'folder', 'export', 'about']);
    }
  });

  it('has a Go menu with a distinct keyboard shortcut for every page of the app', () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      const went: string[] = [];
      const actions = { importDataset() {}, openDataFolder() {}, exportModel() {}, about() {}, goTo: (page: string) => went.push(page) } as MenuActions;
      const template = menuTemplate(actions, platform);
      const go = template.find((i) => i.label === 'Go');
      const pages = (go?.submenu as MenuItemConstructorOptions[]).filter((i) => i.id?.startsWith('go-'));
      expect(pages.map((i) => i.label)).toEqual(['New Experiment', 'Runs', 'Compare', 'Settings']);
      for (const item of pages) (item.click as () => void)();
      expect(went).toEqual(['new', 'runs', 'compare', 'settings']);
      // Every shortcut in the whole menu is unique, so none shadows another.
      const accelerators = items(template).map((i) => i.accelerator).filter(Boolean);
      expect(new Set(accelerators).size, platform).toBe(accelerators.length);
      expect(pages.every((i) => typeof i.accelerator === 'string')).toBe(true);
    }
  });
});

describe('menu actions', () => {
  const deps = (dialog: FakeDialog, window: FakeMenuWindow | null, opened: string[] = []) =>
    createMenuActions({
      dialog,
      shell: { openPath: async (p: string) => (opened.push(p), '') },
      showAbout: () => undefined,
      handlers: createHandlers(ctx, 'electron'),
      dataFolder: ctx.dataFolder,
      window: () => window,
      log: () => undefined,
    });

  it('reads the run shown by the page from its URL', () => {
    expect(pageRunId('app://transfer-lab/index.html#/runs/abc123')).toBe('abc123');
    expect(pageRunId('app://transfer-lab/index.html#/runs')).toBeNull();
    expect(pageRunId('app://transfer-lab/index.html#/compare?ids=a,b')).toBeNull();
    expect(pageRunId('https://evil.example/#/runs/abc')).toBeNull();
  });

  it('Go takes the window to each page of the app, staying on app://', async () => {
    const window = new FakeMenuWindow('app://transfer-lab/index.html#/runs/abc');
    const actions = deps(new FakeDialog(null), window);
    for (const { page } of APP_PAGES) actions.goTo(page);
    await settle();
    expect(window.loaded.map((u) => new URL(u).hash)).toEqual(['#/new', '#/runs', '#/compare', '#/settings']);
    expect(window.loaded.every(isAllowedNavigation)).toBe(true);
    deps(new FakeDialog(null), null).goTo('runs'); // no window open: nothing to do, no error
  });

  it('Import Dataset… takes the window to the new-experiment page with the chosen folder, staying on app://', async () => {
    const window = new FakeMenuWindow('app://transfer-lab/index.html#/runs');
    deps(new FakeDialog('/data/my images'), window).importDataset();
    await settle();
    expect(window.loaded).toEqual([datasetImportUrl('/data/my images')]);
    expect(isAllowedNavigation(window.loaded[0])).toBe(true);
    expect(new URL(window.loaded[0]).hash).toBe('#/new?datasetFolder=%2Fdata%2Fmy%20images');
    const cancelled = new FakeMenuWindow('app://transfer-lab/index.html');
    deps(new FakeDialog(null), cancelled).importDataset();
    await settle();
    expect(cancelled.loaded).toEqual([]);
  });

  it('Open Data Folder opens the data folder', async () => {
    const opened: string[] = [];
    deps(new FakeDialog(null), null, opened).openDataFolder();
    await settle();
    expect(opened).toEqual([ctx.dataFolder]);
  });

  it('Export Model… asks for a run first, then reports the core’s answer', async () => {
    const noRun = new FakeDialog('/tmp/out');
    deps(noRun, new FakeMenuWindow('app://transfer-lab/index.html#/new')).exportModel();
    await settle();
    expect(noRun.opened).toEqual([]);
    expect(noRun.messages[0].message).toBe('Open a run first');

    const missing = new FakeDialog(path.join(dir, 'export'));
    deps(missing, new FakeMenuWindow('app://transfer-lab/index.html#/runs/nosuchrun')).exportModel();
    await settle();
    expect(missing.opened[0].properties).toContain('openDirectory');
    expect(missing.messages[0]).toMatchObject({ type: 'error', message: 'The model was not exported' });
    expect(missing.messages[0].detail).toMatch(/nosuchrun/);
  });
});
