// Updates for the installed desktop app, from the project's GitHub Releases (the publish
// entry in electron-builder.yml) through electron-updater. Only main/index.ts (the Electron
// entry) uses this; browser mode and the CLI never load it (a test checks their bundles).
//   when:  once, after the window opens; only in a packaged app; never on macOS when the
//          build is unsigned (the update could not be verified or installed over an ad-hoc
//          signature); TRANSFER_LAB_NO_UPDATES=1 turns it off;
//   how:   nothing is downloaded until the user says so, nothing installed until they
//          restart; a failed check (offline, rate-limited) is logged, not shown.
import type { MessageBoxOptions } from 'electron';

export interface UpdateSituation {
  packaged: boolean;
  platform: NodeJS.Platform;
  /** From the packaged package.json (scripts/dist.mjs records whether the build was signed). */
  signed: boolean;
  env: NodeJS.ProcessEnv;
}

export type UpdateDecision = { check: true } | { check: false; reason: string };

export function updateDecision(situation: UpdateSituation): UpdateDecision {
  if (!situation.packaged) return { check: false, reason: 'not an installed build (running from a checkout)' };
  if (situation.env.TRANSFER_LAB_NO_UPDATES === '1') return { check: false, reason: 'TRANSFER_LAB_NO_UPDATES=1' };
  if (situation.platform === 'darwin' && !situation.signed) return { check: false, reason: 'unsigned macOS build: updates need a signed app' };
  return { check: true };
}

/** What scripts/dist.mjs writes into the packaged package.json. */
export function buildWasSigned(manifest: { transferLabBuild?: { signed?: unknown } }): boolean {
  const signed = manifest.transferLabBuild?.signed;
  return signed === true || signed === 'true';
}

/** The slice of electron-updater's AppUpdater used here (FakeUpdater in tests implements it). */
export interface Updater {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  on(event: 'update-available' | 'update-downloaded', listener: (info: { version: string }) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  checkForUpdates(): Promise<unknown>;
  downloadUpdate(): Promise<unknown>;
  quitAndInstall(): void;
}

export interface Asker {
  /** Electron's dialog.showMessageBox for the main window; resolves with the button index. */
  ask(options: MessageBoxOptions): Promise<{ response: number }>;
}

/** Checks once; asks before downloading and before restarting. */
export async function offerUpdates(updater: Updater, asker: Asker, currentVersion: string, log: (message: string) => void = console.warn): Promise<void> {
  updater.autoDownload = false;
  updater.autoInstallOnAppQuit = true;
  updater.on('error', (err) => log(`update check failed: ${err.message}`));
  updater.on('update-available', (info) => {
    void asker
      .ask({
        type: 'info',
        title: 'Transfer Lab',
        message: `Transfer Lab ${info.version} is available (you have ${currentVersion}).`,
        detail: 'Download it now? It is installed when you restart Transfer Lab.',
        buttons: ['Download', 'Not now'],
        defaultId: 0,
        cancelId: 1,
      })
      .then(({ response }) => (response === 0 ? updater.downloadUpdate() : undefined))
      .catch((err: unknown) => log(`update download failed: ${String(err)}`));
  });
  updater.on('update-downloaded', (info) => {
    void asker
      .ask({
        type: 'info',
        title: 'Transfer Lab',
        message: `Transfer Lab ${info.version} is ready to install.`,
        detail: 'Restart now? Running training is cancelled first; otherwise it installs when you quit.',
        buttons: ['Restart now', 'Later'],
        defaultId: 1,
        cancelId: 1,
      })
      .then(({ response }) => {
        if (response === 0) updater.quitAndInstall();
      })
      .catch((err: unknown) => log(`update install failed: ${String(err)}`));
  });
  try {
    await updater.checkForUpdates();
  } catch (err) {
    log(`update check failed: ${(err as Error).message}`);
  }
}
