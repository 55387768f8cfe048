// The core's side of the helper process (training/helper-worker.ts): sends each heavy request
// there and settles it with the answer. The helper starts on the first request and then
// lives on (models and datasets stay loaded in it); if it dies — an out-of-memory on a big
// preview, a crash in a native decoder — the requests it held fail with the reason and the
// next request starts a fresh one. Errors keep their contract code across the boundary.
import type { ErrorCode } from '@contract/errors';
import type { WorkerExit, WorkerHandle, WorkerLauncher } from '../training/launcher';
import type { FromHelper, HelperMethod, HelperMethods, ToHelper } from '../training/helper-protocol';
import { describeExitCode, isOutOfMemoryExit } from '../training/exit-codes';

export type HelperLauncher = WorkerLauncher<ToHelper, FromHelper>;

export interface DownloadProgressNote {
  name: string;
  file: string;
  received: number;
  total: number | null;
}

/** An error the helper answered with, or its death; carries the contract's code. */
export class HelperError extends Error {
  constructor(
    readonly errorCode: ErrorCode,
    message: string,
    readonly issues?: { path: string; message: string }[],
  ) {
    super(message);
    this.name = 'HelperError';
  }
}

interface Pending {
  resolve(result: unknown): void;
  reject(error: Error): void;
  onDownloadProgress?: (progress: DownloadProgressNote) => void;
}

export class HelperClient {
  private worker?: WorkerHandle<ToHelper, FromHelper>;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  constructor(private readonly launch: HelperLauncher) {}

  request<M extends HelperMethod>(method: M, args: HelperMethods[M]['args'], onDownloadProgress?: (progress: DownloadProgressNote) => void): Promise<HelperMethods[M]['result']> {
    if (this.closed) return Promise.reject(new HelperError('internal', 'the application is closing'));
    const id = this.nextId++;
    const worker = this.ensureWorker();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (result: unknown) => void, reject, onDownloadProgress });
      worker.send({ type: 'request', id, method, args } as ToHelper);
    });
  }

  /** The helper's process id while it runs (for diagnostics). */
  get pid(): number | undefined {
    return this.worker?.pid;
  }

  /** Ends the helper (on quit); requests still waiting fail. */
  close(): void {
    this.closed = true;
    this.worker?.kill();
    this.worker = undefined;
    this.failPending(new HelperError('internal', 'the application is closing'));
  }

  private ensureWorker(): WorkerHandle<ToHelper, FromHelper> {
    if (this.worker) return this.worker;
    const worker = this.launch();
    worker.onMessage((message) => this.onMessage(message));
    worker.onExit((exit) => {
      if (this.worker === worker) this.worker = undefined;
      this.failPending(new HelperError('internal', describeHelperExit(exit)));
    });
    this.worker = worker;
    return worker;
  }

  private onMessage(message: FromHelper): void {
    if (message.type === 'ready') return;
    const pending = this.pending.get(message.id);
    if (!pending) return;
    switch (message.type) {
      case 'download-progress':
        pending.onDownloadProgress?.({ name: message.name, file: message.file, received: message.received, total: message.total });
        return;
      case 'result':
        this.pending.delete(message.id);
        pending.resolve(message.result);
        return;
      case 'error':
        this.pending.delete(message.id);
        pending.reject(new HelperError(message.errorCode, message.message, message.issues));
        return;
    }
  }

  private failPending(error: Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const pending of all) pending.reject(error);
  }
}

function describeHelperExit(exit: WorkerExit): string {
  if (exit.reason === 'oom' || isOutOfMemoryExit(exit.code) || /heap out of memory|Out of memory/i.test(exit.stderrTail ?? '')) {
    return 'the helper process ran out of memory (try a smaller dataset or image size); try again';
  }
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with ${describeExitCode(exit.code)}`;
  return `the helper process ${how} before answering; try again`;
}
