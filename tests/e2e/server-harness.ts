// Starts browser mode the way users run it, for e2e tests: the built renderer plus the
// built CLI in a child process (`node dist/main/cli.js web --port 0 --no-open`) with its
// own data folder (TRANSFER_LAB_HOME). A child process rather than an in-process server,
// so tests exercise the real entry point, its startup message and its signal handling,
// and training workers, SQLite and tfjs live outside the test runner.
// dist/main is built by tests/global-setup.ts before any test runs.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildRenderer } from './renderer-build';

export interface BrowserMode {
  /** The URL the server printed, with ?token=…: open it in the page. */
  url: string;
  /** http://127.0.0.1:PORT (no trailing slash) */
  baseUrl: string;
  token: string;
  /** The data folder (TRANSFER_LAB_HOME) of this server. */
  home: string;
  /** Stops the server (SIGTERM, as Ctrl-C would; on Windows, outright) and removes the home folder if it made one. */
  close(): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

export async function startBrowserMode(opts: { home?: string } = {}): Promise<BrowserMode> {
  await buildRenderer();
  const ownHome = opts.home === undefined;
  const home = opts.home ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tl-web-'));
  const child = spawn(process.execPath, [path.resolve('dist/main/cli.js'), 'web', '--port', '0', '--no-open'], {
    env: { ...process.env, TRANSFER_LAB_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });

  let url: string;
  try {
    url = await waitForUrl(child, () => stderr);
  } catch (err) {
    child.kill('SIGKILL');
    if (ownHome) fs.rmSync(home, { recursive: true, force: true });
    throw err;
  }
  const parsed = new URL(url);
  return {
    url,
    baseUrl: parsed.origin,
    token: parsed.searchParams.get('token') ?? '',
    home,
    async close() {
      await stop(child);
      if (ownHome) fs.rmSync(home, { recursive: true, force: true });
    },
  };
}

function waitForUrl(child: ChildProcess, stderr: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => fail(new Error(`browser mode did not start within ${STARTUP_TIMEOUT_MS} ms.\nstdout: ${stdout}\nstderr: ${stderr()}`)), STARTUP_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /running at (http:\/\/\S+)/.exec(stdout);
      if (match) {
        cleanup();
        resolve(match[1]);
      }
    };
    const onExit = (code: number | null) => fail(new Error(`browser mode exited (code ${code}) before printing its URL.\nstdout: ${stdout}\nstderr: ${stderr()}`));
    function cleanup() {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      // Keep draining stdout so the child never blocks on a full pipe.
      child.stdout?.resume();
    }
    function fail(err: Error) {
      cleanup();
      reject(err);
    }
    child.stdout?.on('data', onData);
    child.on('exit', onExit);
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // SIGTERM runs the server's own shutdown on POSIX. Windows has no signals: kill() there
  // ends the process outright (TerminateProcess), which is all a test teardown needs.
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
