// Electron entry point: the app's lifecycle only. Everything with a decision in it lives in
// main/electron/ (tested under plain Node); this file connects it to Electron's objects.
//   before ready: single-instance lock, sandbox for all renderers, app:// privileges,
//                 security policy for every webContents created from now on;
//   on ready:     serve dist/renderer on app://, open the core (store + supervisor with
//                 utilityProcess workers), bind IPC, forward events, menu, window;
//   on quit:      cancel training and close the database before the process ends.
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, screen, session, shell, utilityProcess } from 'electron';
import { createAppContext, type AppContext } from './services/app-context';
import { createHandlers } from './services/handlers';
import { helperFile, workerFile } from './paths';
import { guardAllWebContents, guardSession } from './electron/security';
import { registerAppScheme, serveRenderer } from './electron/protocol';
import { registerIpc, WindowRegistry } from './electron/ipc';
import { forwardEvents } from './electron/ipc-events';
import { utilityLauncher, type ChildProcessGone, type UtilityForkOptions } from './electron/utility-launcher';
import { createMainWindow } from './electron/window';
import { createMenuActions, menuTemplate } from './electron/menu';
import { chooseFile, chooseFolder } from './electron/dialogs';
import { desktopDatabaseFile, preloadFile, rendererFolder, windowStateFile } from './electron/app-paths';

let context: AppContext | undefined;
let mainWindow: BrowserWindow | null = null;
const windows = new WindowRegistry();
const cleanups: (() => void)[] = [];

function openMainWindow(ctx: AppContext): BrowserWindow {
  const window = createMainWindow({
    BrowserWindow,
    preloadFile: preloadFile(),
    stateFile: windowStateFile(ctx.dataFolder),
    workAreas: screen.getAllDisplays().map((d) => d.workArea),
  });
  const contents = window.webContents;
  windows.add(contents);
  window.on('closed', () => {
    windows.remove(contents);
    if (mainWindow === window) mainWindow = null;
  });
  return window;
}

async function start(): Promise<void> {
  guardSession(session.defaultSession);
  serveRenderer(protocol, rendererFolder());
  // Training workers and the helper for heavy requests are utility processes: a crash or an
  // out-of-memory there takes down neither the window nor the database.
  const utilityProcesses = {
    fork: (modulePath: string, args: string[], options: UtilityForkOptions) => utilityProcess.fork(modulePath, args, options),
    onChildProcessGone: (listener: (details: ChildProcessGone) => void) => {
      const relay = (_event: unknown, details: Electron.Details) => listener(details);
      app.on('child-process-gone', relay);
      return () => app.off('child-process-gone', relay);
    },
  };
  const ctx = createAppContext({
    databaseFile: desktopDatabaseFile(app.getPath('userData')),
    launcher: utilityLauncher({ ...utilityProcesses, workerFile: workerFile() }),
    helperLauncher: utilityLauncher({ ...utilityProcesses, workerFile: helperFile(), serviceName: 'Transfer Lab helper' }),
  });
  context = ctx;
  const handlers = createHandlers(ctx, 'electron', {
    // Dialogs belong to the window that asked; there is only ever one.
    openFolder: async (purpose) => (mainWindow ? chooseFolder(dialog, mainWindow, purpose) : null),
    openFile: async (kind) => (mainWindow ? chooseFile(dialog, mainWindow, kind) : null),
  });
  cleanups.push(registerIpc(ipcMain, handlers, windows));
  cleanups.push(forwardEvents(ctx.events, windows));
  app.setAboutPanelOptions({ applicationName: 'Transfer Lab', applicationVersion: app.getVersion() });
  const actions = createMenuActions<BrowserWindow>({
    dialog,
    shell,
    showAbout: () => app.showAboutPanel(),
    handlers,
    dataFolder: ctx.dataFolder,
    window: () => mainWindow,
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(actions, process.platform)));
  mainWindow = openMainWindow(ctx);
}

if (!app.requestSingleInstanceLock()) {
  // Another Transfer Lab owns the database; it gets focus (second-instance) and we leave.
  app.quit();
} else {
  app.enableSandbox();
  registerAppScheme(protocol);
  guardAllWebContents(app, shell);
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('window-all-closed', () => {
    // macOS apps stay in the dock with no window; elsewhere closing the window quits.
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (context && mainWindow === null) mainWindow = openMainWindow(context);
  });
  let closing = false;
  app.on('before-quit', (event) => {
    if (!context || closing) return;
    // Cancel training (ask, then kill) and close the database, then quit for real.
    event.preventDefault();
    closing = true;
    for (const cleanup of cleanups.splice(0)) cleanup();
    const ctx = context;
    context = undefined;
    ctx.close().catch((err: unknown) => console.error('Transfer Lab: error while closing', err)).finally(() => app.quit());
  });
  app.whenReady().then(start).catch((err: unknown) => {
    console.error('Transfer Lab failed to start', err);
    dialog.showErrorBox('Transfer Lab failed to start', err instanceof Error ? err.message : String(err));
    app.exit(1);
  });
}
