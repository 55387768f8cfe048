// One test file's browser session: browser mode (its own data folder) and a fresh Chromium,
// started together before the file's tests and closed after them. Read `web` and `chromium`
// inside tests and hooks, not at the top of the file: they exist once beforeAll has run.
import { afterAll, beforeAll } from 'vitest';
import { launchChromium, type LaunchedBrowser } from './chromium';
import { startBrowserMode, type BrowserMode } from './server-harness';

export interface BrowserSession {
  readonly web: BrowserMode;
  readonly chromium: LaunchedBrowser;
}

export function browserSession(): BrowserSession {
  let web: BrowserMode | undefined;
  let chromium: LaunchedBrowser | undefined;
  beforeAll(async () => {
    [web, chromium] = await Promise.all([startBrowserMode(), launchChromium()]);
  });
  afterAll(async () => {
    await chromium?.close();
    await web?.close();
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the e2e ${what} is not started: use it inside a test or hook`);
    return value;
  };
  return {
    get web() {
      return started(web, 'browser-mode server');
    },
    get chromium() {
      return started(chromium, 'Chromium');
    },
  };
}
