// The application menu: File (Import dataset…, Open data folder, Export model…), Go (every
// page, each with a keyboard shortcut), the standard Edit/View/Window roles, and About. The template is a pure function of the
// actions, so it is tested without Electron; createMenuActions binds the actions to the
// dialogs, the shell and the core.
import type { MenuItemConstructorOptions } from 'electron';
import { dispatch } from '../services/dispatch';
import type { Handlers } from '../services/handlers';
import { chooseFolder, showError, showInfo, type DialogModule } from './dialogs';
import { APP_PAGE_URL } from './protocol';
import { isAllowedNavigation } from './security';

export interface MenuActions {
  importDataset(): void;
  openDataFolder(): void;
  exportModel(): void;
  about(): void;
  goTo(page: AppPage): void;
}

/** The app's pages, as the renderer's hash router names them, with their menu shortcuts. */
export const APP_PAGES = [
  { page: 'new', label: 'New Experiment', accelerator: 'CmdOrCtrl+1' },
  { page: 'runs', label: 'Runs', accelerator: 'CmdOrCtrl+2' },
  { page: 'compare', label: 'Compare', accelerator: 'CmdOrCtrl+3' },
  { page: 'settings', label: 'Settings', accelerator: 'CmdOrCtrl+,' },
] as const;
export type AppPage = (typeof APP_PAGES)[number]['page'];

export function menuTemplate(actions: MenuActions, platform: NodeJS.Platform, appName = 'Transfer Lab'): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      { id: 'import-dataset', label: 'Import Dataset…', accelerator: 'CmdOrCtrl+O', click: () => actions.importDataset() },
      { id: 'export-model', label: 'Export Model…', accelerator: 'CmdOrCtrl+E', click: () => actions.exportModel() },
      { type: 'separator' },
      { id: 'open-data-folder', label: 'Open Data Folder', click: () => actions.openDataFolder() },
      { type: 'separator' },
      mac ? { role: 'close' } : { role: 'quit' },
    ],
  };
  const go: MenuItemConstructorOptions = {
    label: 'Go',
    submenu: APP_PAGES.map((p) => ({ id: `go-${p.page}`, label: p.label, accelerator: p.accelerator, click: () => actions.goTo(p.page) })),
  };
  const about: MenuItemConstructorOptions = { id: 'about', label: `About ${appName}`, click: () => actions.about() };
  const template: MenuItemConstructorOptions[] = [];
  if (mac) {
    template.push({
      label: appName,
      submenu: [about, { type: 'separator' }, { role: 'services' }, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }],
    });
  }
  template.push(file, go, { role: 'editMenu' }, { role: 'viewMenu' }, { role: 'windowMenu' });
  if (!mac) template.push({ role: 'help', submenu: [about] });
  return template;
}

/** The run shown by the page at `url` (…#/runs/<id>), or null. */
export function pageRunId(url: string): string | null {
  if (!isAllowedNavigation(url)) return null;
  const match = /^#\/runs\/([^/?#]+)/.exec(new URL(url).hash);
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return null;
  }
}

/** Where "Import Dataset…" takes the window: the new-experiment page with the folder filled in. */
export function datasetImportUrl(folder: string): string {
  return `${APP_PAGE_URL}#/new?datasetFolder=${encodeURIComponent(folder)}`;
}

export interface MenuWindow {
  readonly webContents: { getURL(): string; loadURL(url: string): Promise<void> };
}

export interface MenuActionDeps<W extends MenuWindow> {
  dialog: DialogModule<W>;
  shell: { openPath(path: string): Promise<string> };
  showAbout(): void;
  handlers: Handlers;
  dataFolder: string;
  /** The focused main window, or null when none is open. */
  window(): W | null;
  log?: (message: string) => void;
}

export function createMenuActions<W extends MenuWindow>(deps: MenuActionDeps<W>): MenuActions {
  const log = deps.log ?? console.warn;
  const run = (what: string, task: () => Promise<void>) => () => {
    task().catch((err: unknown) => log(`${what} failed: ${err instanceof Error ? err.message : String(err)}`));
  };
  return {
    importDataset: run('import dataset', async () => {
      const window = deps.window();
      if (!window) return;
      const folder = await chooseFolder(deps.dialog, window, 'dataset');
      if (folder !== null) await window.webContents.loadURL(datasetImportUrl(folder));
    }),
    openDataFolder: run('open data folder', async () => {
      const problem = await deps.shell.openPath(deps.dataFolder);
      if (problem !== '') log(`cannot open ${deps.dataFolder}: ${problem}`);
    }),
    exportModel: run('export model', async () => {
      const window = deps.window();
      if (!window) return;
      const runId = pageRunId(window.webContents.getURL());
      if (runId === null) {
        await showInfo(deps.dialog, window, 'Open a run first', 'Choose a run in History, then use File → Export Model… to save its model.');
        return;
      }
      const folder = await chooseFolder(deps.dialog, window, 'export');
      if (folder === null) return;
      // Through dispatch, like any renderer call: the same validation and error mapping.
      const response = await dispatch(deps.handlers, 'models.export', { runId, folder });
      if ('error' in response) await showError(deps.dialog, window, 'The model was not exported', response.error.message);
      else await showInfo(deps.dialog, window, 'Model exported', (response.result as { path: string }).path);
    }),
    about: () => deps.showAbout(),
    // A new hash on the same page: the renderer's router switches pages without a reload.
    goTo: (page) => {
      deps.window()?.webContents.loadURL(`${APP_PAGE_URL}#/${page}`).catch((err: unknown) => log(`go to ${page} failed: ${String(err)}`));
    },
  };
}
