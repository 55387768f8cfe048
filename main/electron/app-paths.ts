// Where the desktop app finds its own built files and its data. The database lives in
// Electron's userData folder, which for productName "Transfer Lab" is the folder
// main/store/location.ts computes for the CLI and browser mode, so all three faces share
// one database; TRANSFER_LAB_HOME overrides both.
import path from 'node:path';
import { DATABASE_FILE_NAME, defaultDatabasePath } from '../services/app-context';
import { appRoot } from '../paths';
import { WINDOW_STATE_FILE_NAME } from './window-state';

export function desktopDatabaseFile(userDataFolder: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.TRANSFER_LAB_HOME && env.TRANSFER_LAB_HOME.trim() !== '') return defaultDatabasePath(env);
  return path.join(userDataFolder, DATABASE_FILE_NAME);
}

export function windowStateFile(dataFolder: string): string {
  return path.join(dataFolder, WINDOW_STATE_FILE_NAME);
}

/** dist/preload/index.js, built by scripts/build.mjs. */
export function preloadFile(root: string = appRoot()): string {
  return path.join(root, 'dist', 'preload', 'index.js');
}

/** dist/renderer, built by vite; served on app://transfer-lab/. */
export function rendererFolder(root: string = appRoot()): string {
  return path.join(root, 'dist', 'renderer');
}
