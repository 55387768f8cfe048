// How a training worker process is started. Plain Node uses child_process.fork; the
// Electron app passes its utilityProcess adapter (main/electron/utility-launcher.ts).
// Both run the same worker file, dist/main/worker.js.
import { fork } from 'node:child_process';
import type { FromWorker, ToWorker } from './protocol';

export interface WorkerExit {
  code: number | null;
  signal: string | null;
  /** Electron's child-process-gone reason, e.g. 'oom' or 'crashed'. */
  reason?: string;
  /** The end of the worker's stderr, for crash messages. */
  stderrTail?: string;
}

export interface WorkerHandle {
  readonly pid: number | undefined;
  send(message: ToWorker): void;
  onMessage(listener: (message: FromWorker) => void): void;
  onExit(listener: (exit: WorkerExit) => void): void;
  kill(): void;
}

export type WorkerLauncher = () => WorkerHandle;

const STDERR_TAIL_BYTES = 4096;

/** Starts the worker with child_process.fork (the CLI, browser mode and tests). */
export function forkLauncher(workerFile: string, options: { execArgv?: string[]; env?: NodeJS.ProcessEnv } = {}): WorkerLauncher {
  return () => {
    const child = fork(workerFile, [], {
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      execArgv: options.execArgv ?? [],
      env: options.env ?? process.env,
      serialization: 'advanced',
      // Its own process group, away from the terminal's: Ctrl-C reaches only the CLI, which
      // cancels through the supervisor (the worker ends by itself if the CLI dies; see
      // parent-link.ts). On Windows `detached` would open a console, and the worker instead
      // ignores console signals itself.
      detached: process.platform !== 'win32',
    });
    let stderrTail = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
      if (process.env.TRANSFER_LAB_WORKER_STDERR === 'inherit') process.stderr.write(chunk);
    });
    return {
      pid: child.pid,
      send(message) {
        if (child.connected) child.send(message);
      },
      onMessage(listener) {
        child.on('message', (message) => listener(message as FromWorker));
      },
      onExit(listener) {
        child.on('exit', (code, signal) => {
          // Let the stderr pipe drain so the crash message is complete.
          setImmediate(() => listener({ code, signal, stderrTail }));
        });
      },
      kill() {
        child.kill('SIGKILL');
      },
    };
  };
}
