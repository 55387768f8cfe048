// The supervisor's Electron adapter: starts each training worker with utilityProcess.fork
// (a Chromium-managed Node process, so a crash or out-of-memory in training takes down
// neither the window nor the database) and presents it as the same WorkerHandle that
// child_process.fork gives under plain Node.
//
// Why the extra 'child-process-gone' plumbing: a utility process's own 'exit' event carries
// only an exit code. Why it died ('oom', 'crashed', 'killed', …) comes from app's
// 'child-process-gone' event, which names the process by serviceName, so each worker gets a
// unique serviceName and its exit waits briefly for that event before being reported.
// Electron drops the process's stderr listeners right after 'exit', so the tail kept is what
// arrived before it; what the worker itself knew about its death comes over its parent port
// (a 'failed' message, see worker.ts) and a V8 fatal error (out of memory) comes as the
// process's own 'error' event, which is recorded here (unhandled, it would throw in main).
import type { FromWorker, ToWorker } from '../training/protocol';
import type { WorkerExit, WorkerHandle, WorkerLauncher } from '../training/launcher';

/** The slice of Electron's UtilityProcess used here (FakeUtilityProcess in tests implements it). */
export interface UtilityChild {
  readonly pid: number | undefined;
  readonly stderr: NodeJS.ReadableStream | null;
  postMessage(message: unknown): void;
  kill(): boolean;
  on(event: 'spawn', listener: () => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'error', listener: (type: string, location: string, report: string) => void): unknown;
}

export interface UtilityForkOptions {
  serviceName: string;
  stdio: 'pipe';
  env?: NodeJS.ProcessEnv;
}

/** What app's 'child-process-gone' reports (a subset of Electron's Details). */
export interface ChildProcessGone {
  type: string;
  reason: string;
  exitCode: number;
  serviceName?: string;
  name?: string;
}

export interface UtilityLauncherOptions {
  /** utilityProcess.fork, or a test double. */
  fork(modulePath: string, args: string[], options: UtilityForkOptions): UtilityChild;
  /** Subscribes to app.on('child-process-gone'); returns the unsubscribe. */
  onChildProcessGone(listener: (details: ChildProcessGone) => void): () => void;
  workerFile: string;
  /** How the processes are named in the OS and in 'child-process-gone' (default: training). */
  serviceName?: string;
  env?: NodeJS.ProcessEnv;
  /** How long an abnormal exit waits for its 'child-process-gone' reason. */
  goneWaitMs?: number;
}

export const SERVICE_NAME = 'Transfer Lab training';
const STDERR_TAIL_BYTES = 4096;
const DEFAULT_GONE_WAIT_MS = 500;

/**
 * The worker's environment: the app's own minus variables that would change how a Node
 * process boots (the fuses turn some off in the packaged app; this also covers `npm start`).
 */
const BOOT_VARIABLES = new Set(['NODE_OPTIONS', 'ELECTRON_RUN_AS_NODE', 'NODE_INSPECT']);

export function workerEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) {
    // Windows environment names ignore case (Node_Options works there), so compare upper-cased.
    if (BOOT_VARIABLES.has(key.toUpperCase())) continue;
    clean[key] = value;
  }
  return clean;
}

export function utilityLauncher<In = ToWorker, Out = FromWorker>(options: UtilityLauncherOptions): WorkerLauncher<In, Out> {
  let sequence = 0;
  const goneWaitMs = options.goneWaitMs ?? DEFAULT_GONE_WAIT_MS;
  return () => {
    sequence += 1;
    const serviceName = `${options.serviceName ?? SERVICE_NAME} ${sequence}`;
    const child = options.fork(options.workerFile, [], {
      serviceName,
      stdio: 'pipe',
      env: workerEnvironment(options.env ?? process.env),
    });
    return new UtilityWorker<In, Out>(child, serviceName, options.onChildProcessGone, goneWaitMs);
  };
}

/** One worker process seen as a WorkerHandle. */
class UtilityWorker<In, Out> implements WorkerHandle<In, Out> {
  private spawned = false;
  private exited = false;
  /** kill() before 'spawn' does nothing in Electron: remembered and applied on 'spawn'. */
  private killPending = false;
  /** From the process's 'error' event: a V8 fatal error such as running out of heap. */
  private fatalError?: string;
  private readonly queue: In[] = [];
  private stderrTail = '';
  private gone?: ChildProcessGone;
  private readonly stopListening: () => void;
  private exitListeners: ((exit: WorkerExit) => void)[] = [];
  private exit?: WorkerExit;
  private whenGone?: () => void;

  constructor(
    private readonly child: UtilityChild,
    private readonly serviceName: string,
    onChildProcessGone: UtilityLauncherOptions['onChildProcessGone'],
    private readonly goneWaitMs: number,
  ) {
    this.stopListening = onChildProcessGone((details) => {
      if (details.serviceName !== serviceName && details.name !== serviceName) return;
      this.gone = details;
      this.whenGone?.();
    });
    child.stderr?.on('data', (chunk: Buffer | string) => {
      this.stderrTail = (this.stderrTail + chunk.toString()).slice(-STDERR_TAIL_BYTES);
      if (process.env.TRANSFER_LAB_WORKER_STDERR === 'inherit') process.stderr.write(chunk);
    });
    // Messages sent before the process is up are queued, not lost.
    child.on('spawn', () => {
      this.spawned = true;
      if (this.killPending) {
        this.queue.length = 0;
        child.kill();
        return;
      }
      for (const message of this.queue.splice(0)) child.postMessage(message);
    });
    child.on('error', (type, location, report) => {
      this.fatalError = describeFatalError(type, location, report);
    });
    child.on('exit', (code) => this.handleExit(code));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  send(message: In): void {
    if (this.exited) return;
    if (this.spawned) this.child.postMessage(message);
    else this.queue.push(message);
  }

  onMessage(listener: (message: Out) => void): void {
    this.child.on('message', (message) => listener(message as Out));
  }

  onExit(listener: (exit: WorkerExit) => void): void {
    if (this.exit) listener(this.exit);
    else this.exitListeners.push(listener);
  }

  kill(): void {
    if (this.exited) return;
    if (this.spawned) this.child.kill();
    else this.killPending = true;
  }

  private handleExit(code: number): void {
    this.exited = true;
    this.queue.length = 0;
    // A clean exit needs no reason; any other waits (briefly) for child-process-gone.
    // setImmediate either way, so stderr data already in the pipe is read first.
    if (code === 0 || this.gone) {
      setImmediate(() => this.report(code));
      return;
    }
    const timer = setTimeout(() => this.report(code), this.goneWaitMs);
    this.whenGone = () => {
      clearTimeout(timer);
      this.report(code);
    };
  }

  /**
   * The stderr tail plus what Electron said about the death (the 'error' event, the
   * child-process-gone reason), so the run's error names the cause even with no stderr.
   */
  private tailWithCause(): string {
    const lines = [this.stderrTail.replace(/\n$/, '')];
    if (this.fatalError) lines.push(this.fatalError);
    if (this.gone && this.gone.reason !== 'clean-exit') lines.push(`utility process gone: ${this.gone.reason} (exit code ${this.gone.exitCode})`);
    return lines.filter((l) => l !== '').join('\n');
  }

  private report(code: number): void {
    if (this.exit) return;
    this.stopListening();
    this.whenGone = undefined;
    this.exit = {
      code,
      signal: null,
      ...(this.gone && this.gone.reason !== 'clean-exit' ? { reason: this.gone.reason } : {}),
      stderrTail: this.tailWithCause(),
    };
    for (const listener of this.exitListeners.splice(0)) listener(this.exit);
  }
}

/**
 * One line for a utility process's 'error' event: its type and V8's location, plus the
 * event named in the diagnostic report (e.g. "Allocation failed - JavaScript heap out of
 * memory") when the report is Node's JSON report.
 */
export function describeFatalError(type: string, location: string, report: string): string {
  let event = '';
  try {
    const parsed = JSON.parse(report) as { header?: { event?: unknown } };
    if (typeof parsed.header?.event === 'string') event = parsed.header.event;
  } catch {
    // Not JSON: the type and location are still worth reporting.
  }
  return `${type || 'FatalError'}: ${location}${event ? ` - ${event}` : ''}`;
}
