// The launcher port: how a worker process is started — a training worker (dist/main/worker.js,
// one per job) or the long-lived helper for heavy requests (dist/main/helper.js). Plain Node
// uses child_process.fork; the Electron app passes its utilityProcess adapter
// (main/electron/utility-launcher.ts). Both run the same files.
import { fork, type Serializable } from 'node:child_process';
import type { FromWorker, ToWorker } from './protocol';

export interface WorkerExit {
  code: number | null;
  signal: string | null;
  /** Electron's child-process-gone reason, e.g. 'oom' or 'crashed'. */
  reason?: string;
  /** The end of the worker's stderr, for crash messages. */
  stderrTail?: string;
}

/** One worker process: `In` is what it is sent, `Out` what it says (the training protocol by default). */
export interface WorkerHandle<In = ToWorker, Out = FromWorker> {
  readonly pid: number | undefined;
  send(message: In): void;
  onMessage(listener: (message: Out) => void): void;
  onExit(listener: (exit: WorkerExit) => void): void;
  kill(): void;
}

export type WorkerLauncher<In = ToWorker, Out = FromWorker> = () => WorkerHandle<In, Out>;

const STDERR_TAIL_BYTES = 4096;

/** Starts the worker with child_process.fork (the CLI, browser mode and tests). */
export function forkLauncher<In = ToWorker, Out = FromWorker>(workerFile: string, options: { execArgv?: string[]; env?: NodeJS.ProcessEnv } = {}): WorkerLauncher<In, Out> {
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
        if (child.connected) child.send(message as Serializable);
      },
      onMessage(listener) {
        child.on('message', (message) => listener(message as Out));
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
