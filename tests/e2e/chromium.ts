// Launches Debian's Chromium through playwright-core. Playwright's own browser download
// cannot run here, so we point it at the system binary with the flags this machine needs
// (no sandbox as root, no GPU, and no background networking: the network is closed).
import { chromium, type Browser } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

const CHROMIUM_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'chrome'];

/**
 * CHROMIUM_PATH, else the first Chromium or Chrome on the PATH. Searched here rather than
 * with `which`, which Windows lacks; there the names take the PATHEXT extensions (.exe).
 */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const fromEnv = env.CHROMIUM_PATH;
  if (fromEnv) return fromEnv;
  const p = platform === 'win32' ? path.win32 : path.posix;
  const folders = (env.PATH ?? env.Path ?? '').split(p.delimiter).filter(Boolean);
  const extensions = platform === 'win32' ? (env.PATHEXT ?? '.EXE').split(';').filter(Boolean) : [''];
  for (const name of CHROMIUM_NAMES) {
    for (const folder of folders) {
      for (const extension of extensions) {
        const candidate = p.join(folder, name + extension.toLowerCase());
        if (isExecutableFile(candidate)) return candidate;
      }
    }
  }
  throw new Error(`Chromium was not found on the PATH (as ${CHROMIUM_NAMES.join(', ')}): install it (Debian: the \`chromium\` package, see .ci/run) or set CHROMIUM_PATH.`);
}

function isExecutableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export interface LaunchedBrowser {
  browser: Browser;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<LaunchedBrowser> {
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    // playwright gives every launch a fresh, temporary user-data-dir of its own.
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    async close() {
      await browser.close();
    },
  };
}

/** Where e2e tests write screenshots for people to look at (README, review). */
export function screenshotDir(): string {
  const dir = path.resolve('test-results/screenshots');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}
