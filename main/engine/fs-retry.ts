// Renames and removals that wait out a transient lock. On Windows an antivirus scanner, the
// search indexer or a backup tool briefly opens files it sees change; while it does, renaming
// or deleting the file (or a folder holding it) fails with EBUSY, EPERM or EACCES. Such a lock
// lasts milliseconds to a second, so these calls retry with a growing pause (about 2.5 s in
// all) before passing the error on. Elsewhere the same errors are real and fail after the
// same retries, which costs only a moment.
import fs, { promises as fsp } from 'node:fs';

const TRANSIENT = new Set(['EBUSY', 'EPERM', 'EACCES', 'ENOTEMPTY']);
/** Pauses between attempts, in ms: 8 attempts, ~2.5 s in all. */
export const RETRY_DELAYS_MS = [20, 50, 100, 200, 300, 600, 1200] as const;

export function isTransientLockError(error: unknown): boolean {
  return TRANSIENT.has((error as NodeJS.ErrnoException | null)?.code ?? '');
}

/** Runs `operation`, again after each pause while it fails with a lock error. */
export async function retryTransient<T>(operation: () => Promise<T>, delays: readonly number[] = RETRY_DELAYS_MS): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (attempt >= delays.length || !isTransientLockError(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, delays[attempt]));
    }
  }
}

/** The synchronous form, for code that must not yield (the store's delete). It blocks while it waits. */
export function retryTransientSync<T>(operation: () => T, delays: readonly number[] = RETRY_DELAYS_MS): T {
  for (let attempt = 0; ; attempt++) {
    try {
      return operation();
    } catch (error) {
      if (attempt >= delays.length || !isTransientLockError(error)) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, delays[attempt]);
    }
  }
}

export function renameRetrying(from: string, to: string): Promise<void> {
  return retryTransient(() => fsp.rename(from, to));
}

/** fs.rm with recursive and force: a missing path is fine. */
export function removeRetrying(target: string): Promise<void> {
  return retryTransient(() => fsp.rm(target, { recursive: true, force: true }));
}

export function renameRetryingSync(from: string, to: string): void {
  retryTransientSync(() => fs.renameSync(from, to));
}

export function removeRetryingSync(target: string): void {
  retryTransientSync(() => fs.rmSync(target, { recursive: true, force: true }));
}
