// Electron entry point: the app's lifecycle only. Everything with a decision in it lives in
// main/electron/ (tested under plain Node); this file connects it to Electron's objects.
//   before ready: TRANSFER_LAB_HOME as userData, single-instance lock, sandbox for all
//                 renderers, app:// privileges, security policy for every webContents;
//   on ready:     serve dist/renderer on app://, open the core (store + supervisor with
//                 utilityProcess workers), bind IPC, forward events, menu, window;
//   on quit:      cancel training and close the database before the process ends (also on
//                 a system shutdown and a Windows log-off: see electron/lifecycle.ts).
import { app, BrowserWindow, dialog, ipcMain, Menu, powerMonitor, protocol, screen, session, shell, utilityProcess } from 'electron';
import { createAppContext, type AppContext } from './services/app-context';
import { createHandlers } from './services/handlers';
import { appManifest, helperFile, workerFile } from './paths';
import { guardAllWebContents, guardSession } from './electron/security';
import { registerAppScheme, serveRenderer } from './electron/protocol';
import { registerIpc, WindowRegistry } from './electron/ipc';
import { forwardEvents } from './electron/ipc-events';
import { utilityLauncher, type ChildProcessGone, type UtilityForkOptions } from './electron/utility-launcher';
import { createMainWindow } from './electron/window';
import { createMenuActions, menuTemplate } from './electron/menu';
import { chooseFile, chooseFolder } from './electron/dialogs';
import { desktopDatabaseFile, preloadFile, rendererFolder, windowStateFile } from './electron/app-paths';
import { claimSingleInstance, MainWindowSlot, QuitSequence } from './electron/lifecycle';
import { buildWasSigned, offerUpdates, updateDecision } from './electron/updates';

let context: AppContext | undefined;
const windows = new WindowRegistry();
const mainWindow = new MainWindowSlot<BrowserWindow>(windows);
const quitSequence = new QuitSequence(app);

function openMainWindow(ctx: AppContext): BrowserWindow {
  const window = createMainWindow({
    BrowserWindow,
    preloadFile: preloadFile(),
    stateFile: windowStateFile(ctx.dataFolder),
    workAreas: screen.getAllDisplays().map((d) => d.workArea),
  });
  // Windows shutdown or log-off: no before-quit comes, and the process may end any moment.
  window.on('session-end', () => quitSequence.sessionEnd());
  return mainWindow.adopt(window);
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
    openFolder: async (purpose) => (mainWindow.current ? chooseFolder(dialog, mainWindow.current, purpose) : null),
    openFile: async (kind) => (mainWindow.current ? chooseFile(dialog, mainWindow.current, kind) : null),
    showDataFolder: () => shell.openPath(ctx.dataFolder),
  });
  quitSequence.attach(ctx, registerIpc(ipcMain, handlers, windows), forwardEvents(ctx.events, windows));
  app.setAboutPanelOptions({ applicationName: 'Transfer Lab', applicationVersion: app.getVersion() });
  const actions = createMenuActions<BrowserWindow>({
    dialog,
    shell,
    showAbout: () => app.showAboutPanel(),
    handlers,
    dataFolder: ctx.dataFolder,
    window: () => mainWindow.current,
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(actions, process.platform)));
  openMainWindow(ctx);
  // Linux (logind) and macOS: delay the shutdown while the app quits in order.
  powerMonitor.on('shutdown', (...args: unknown[]) => quitSequence.systemShutdown(args[0] as { preventDefault(): void } | undefined));
  checkForUpdates();
}

function checkForUpdates(): void {
  const decision = updateDecision({ packaged: app.isPackaged, platform: process.platform, signed: buildWasSigned(appManifest()), env: process.env });
  if (!decision.check) {
    console.log(`Transfer Lab: not checking for updates: ${decision.reason}`);
    return;
  }
  const asker = {
    ask: (options: Electron.MessageBoxOptions) => (mainWindow.current ? dialog.showMessageBox(mainWindow.current, options) : dialog.showMessageBox(options)),
  };
  // Loaded only here, so neither a checkout's `npm start` nor the CLI pulls it in.
  import('electron-updater')
    .then(({ autoUpdater }) => offerUpdates(autoUpdater, asker, app.getVersion()))
    .catch((err: unknown) => console.warn('Transfer Lab: updates unavailable', err));
}

if (!claimSingleInstance(app)) {
  // Another Transfer Lab owns the database; it gets focus (second-instance) and we leave.
  app.quit();
} else {
  app.enableSandbox();
  registerAppScheme(protocol);
  guardAllWebContents(app, shell);
  app.on('second-instance', () => mainWindow.focus());
  app.on('window-all-closed', () => {
    // macOS apps stay in the dock with no window; elsewhere closing the window quits.
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (context && mainWindow.current === null && !quitSequence.quitting) openMainWindow(context);
  });
  // Cancel training (ask, then kill) and close the database, then quit for real.
  app.on('before-quit', (event) => quitSequence.beforeQuit(event));
  app.whenReady().then(start).catch((err: unknown) => {
    console.error('Transfer Lab failed to start', err);
    dialog.showErrorBox('Transfer Lab failed to start', err instanceof Error ? err.message : String(err));
    app.exit(1);
  });
}
