// The update decision and the ask-before-download flow (main/electron/updates.ts) with
// FakeUpdater (a test double for electron-updater's autoUpdater) and FakeAsker (for
// dialog.showMessageBox); and a check with esbuild that the CLI and browser mode never
// bundle the updater.
import { describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { build } from 'esbuild';
import type { MessageBoxOptions } from 'electron';
import { buildWasSigned, offerUpdates, updateDecision, type Updater } from '../../../main/electron/updates';

/** FakeUpdater: a test double for electron-updater's AppUpdater. */
class FakeUpdater extends EventEmitter implements Updater {
  autoDownload = true;
  autoInstallOnAppQuit = false;
  calls: string[] = [];
  constructor(private readonly onCheck: (self: FakeUpdater) => void) {
    super();
  }
  async checkForUpdates() {
    this.calls.push('check');
    this.onCheck(this);
    return null;
  }
  async downloadUpdate() {
    this.calls.push('download');
    return [];
  }
  quitAndInstall() {
    this.calls.push('quitAndInstall');
  }
}

/** FakeAsker: answers each question with the next scripted button index. */
class FakeAsker {
  asked: MessageBoxOptions[] = [];
  constructor(private readonly answers: number[]) {}
  async ask(options: MessageBoxOptions) {
    this.asked.push(options);
    return { response: this.answers.shift() ?? 1 };
  }
}

const settle = () => new Promise((r) => setTimeout(r, 10));

describe('updateDecision', () => {
  const base = { packaged: true, platform: 'linux' as NodeJS.Platform, signed: false, env: {} };
  it('checks in an installed build on Windows and Linux, signed or not, and on macOS only when signed', () => {
    expect(updateDecision(base)).toEqual({ check: true });
    expect(updateDecision({ ...base, platform: 'win32' })).toEqual({ check: true });
    expect(updateDecision({ ...base, platform: 'darwin', signed: true })).toEqual({ check: true });
    expect(updateDecision({ ...base, platform: 'darwin', signed: false })).toEqual({ check: false, reason: expect.stringMatching(/unsigned macOS/) });
  });

  it('never checks from a checkout (npm start) or when TRANSFER_LAB_NO_UPDATES=1', () => {
    expect(updateDecision({ ...base, packaged: false })).toMatchObject({ check: false, reason: expect.stringMatching(/checkout/) });
    expect(updateDecision({ ...base, env: { TRANSFER_LAB_NO_UPDATES: '1' } })).toMatchObject({ check: false });
  });

  it('reads the signed flag scripts/dist.mjs writes into the packaged package.json', () => {
    expect(buildWasSigned({ transferLabBuild: { signed: true } })).toBe(true);
    expect(buildWasSigned({ transferLabBuild: { signed: 'true' } })).toBe(true);
    expect(buildWasSigned({ transferLabBuild: { signed: false } })).toBe(false);
    expect(buildWasSigned({})).toBe(false);
  });
});

describe('offerUpdates', () => {
  it('downloads nothing by itself, and nothing when the user says "Not now"', async () => {
    const updater = new FakeUpdater((u) => u.emit('update-available', { version: '0.2.0' }));
    const asker = new FakeAsker([1]);
    await offerUpdates(updater, asker, '0.1.0', () => undefined);
    await settle();
    expect(updater.autoDownload).toBe(false);
    expect(asker.asked.map((a) => a.message)).toEqual(['Transfer Lab 0.2.0 is available (you have 0.1.0).']);
    expect(updater.calls).toEqual(['check']);
  });

  it('downloads when the user agrees, then restarts to install only when asked to', async () => {
    for (const [restart, expected] of [
      [0, ['check', 'download', 'quitAndInstall']],
      [1, ['check', 'download']],
    ] as const) {
      const updater = new FakeUpdater((u) => u.emit('update-available', { version: '0.2.0' }));
      const asker = new FakeAsker([0, restart]);
      await offerUpdates(updater, asker, '0.1.0', () => undefined);
      await settle();
      updater.emit('update-downloaded', { version: '0.2.0' });
      await settle();
      expect(updater.calls).toEqual(expected);
      expect(asker.asked[1].buttons).toEqual(['Restart now', 'Later']);
      expect(updater.autoInstallOnAppQuit).toBe(true);
    }
  });

  it('logs a failed check (offline) instead of showing it', async () => {
    const logged: string[] = [];
    const updater = new FakeUpdater(() => {
      throw new Error('net::ERR_INTERNET_DISCONNECTED');
    });
    const asker = new FakeAsker([]);
    await offerUpdates(updater, asker, '0.1.0', (m) => logged.push(m));
    updater.emit('error', new Error('rate limited'));
    expect(logged).toEqual(['update check failed: net::ERR_INTERNET_DISCONNECTED', 'update check failed: rate limited']);
    expect(asker.asked).toEqual([]);
  });
});

describe('where the updater is loaded', () => {
  it('the CLI and browser mode bundles contain neither electron-updater nor the update module; the desktop entry does', async () => {
    const inputsOf = async (entry: string) => {
      const result = await build({
        entryPoints: [path.resolve(entry)],
        bundle: true,
        platform: 'node',
        format: 'cjs',
        write: false,
        metafile: true,
        logLevel: 'silent',
        external: ['electron', 'better-sqlite3', 'sharp', '@tensorflow/*', 'mnist', 'electron-updater'],
      });
      const imports = Object.values(result.metafile.inputs).flatMap((input) => input.imports.map((i) => i.path));
      return { inputs: Object.keys(result.metafile.inputs), imports };
    };
    const cli = await inputsOf('main/cli.ts');
    expect(cli.inputs.some((f) => f.endsWith('electron/updates.ts'))).toBe(false);
    expect(cli.imports).not.toContain('electron-updater');
    const desktop = await inputsOf('main/index.ts');
    expect(desktop.inputs.some((f) => f.endsWith('electron/updates.ts'))).toBe(true);
    expect(desktop.imports).toContain('electron-updater');
  }, 60_000);
});
