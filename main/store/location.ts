// Where Transfer Lab keeps its data when nobody says otherwise. It must be the same folder
// Electron's app.getPath('userData') returns for productName "Transfer Lab", so the desktop
// app, the CLI and browser mode (all plain Node) share one database without importing
// electron here.
import os from 'node:os';
import path from 'node:path';

export const APP_FOLDER_NAME = 'Transfer Lab';
export const DATABASE_FILE_NAME = 'transfer-lab.sqlite';

/** The OS application-data folder for Transfer Lab; env TRANSFER_LAB_HOME overrides it. */
export function defaultDataFolder(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): string {
  const override = env.TRANSFER_LAB_HOME;
  if (override && override.trim() !== '') return path.resolve(override);
  if (platform === 'win32') {
    const appData = env.APPDATA && env.APPDATA !== '' ? env.APPDATA : path.join(home, 'AppData', 'Roaming');
    return path.win32.join(appData, APP_FOLDER_NAME);
  }
  // POSIX rules for POSIX platforms even when asked on another (the tests ask for each OS).
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Application Support', APP_FOLDER_NAME);
  const config = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME !== '' ? env.XDG_CONFIG_HOME : path.posix.join(home, '.config');
  return path.posix.join(config, APP_FOLDER_NAME);
}

/** <data folder>/transfer-lab.sqlite */
export function defaultDatabasePath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(defaultDataFolder(env), DATABASE_FILE_NAME);
}

/** Each run's artifacts live in <data folder>/runs/<runId>. */
export function runFolder(dataFolder: string, runId: string): string {
  return path.join(dataFolder, 'runs', runId);
}
