// A training worker must never outlive the process that supervises it: only the supervisor
// records results, so an orphan would train on unrecorded (and write checkpoints ahead of the
// history). Three signals end the worker:
//  - under child_process.fork, the IPC channel's 'disconnect' (the parent exited or closed it);
//  - under Electron's utilityProcess, the parent port's 'close';
//  - a watchdog thread that notices the parent is gone (on POSIX the worker is re-parented,
//    on Windows the parent pid stops answering) and kills the process. It runs beside the
//    training thread, so it works even while a long training step keeps that thread busy.
import { Worker } from 'node:worker_threads';

export interface ParentPortLike {
  on(event: 'close', listener: () => void): unknown;
}

/** How often the watchdog looks at the parent. */
export const WATCHDOG_INTERVAL_MS = 250;

const WATCHDOG_SOURCE = `
const { workerData } = require('node:worker_threads');
const gone = () => {
  if (process.platform === 'win32') {
    try { process.kill(workerData.parentPid, 0); return false; } catch (e) { return e.code !== 'EPERM'; }
  }
  return process.ppid !== workerData.parentPid;
};
setInterval(() => { if (gone()) process.kill(process.pid, 'SIGKILL'); }, workerData.intervalMs);
`;

/**
 * Calls `onGone` (which should exit) when the parent's channel closes, and starts the
 * watchdog thread. Returns a function that stops watching (for tests).
 */
export function watchParent(options: { parentPort?: ParentPortLike; onGone: () => void; watchdog?: boolean }): () => void {
  const { parentPort, onGone } = options;
  let watching = true;
  const gone = () => {
    if (watching) onGone();
  };
  if (parentPort) parentPort.on('close', gone);
  else process.on('disconnect', gone);

  let watchdog: Worker | undefined;
  if (options.watchdog !== false) {
    watchdog = new Worker(WATCHDOG_SOURCE, { eval: true, workerData: { parentPid: process.ppid, intervalMs: WATCHDOG_INTERVAL_MS } });
    // The watchdog must not keep a finished worker alive.
    watchdog.unref();
  }
  return () => {
    watching = false;
    if (!parentPort) process.off('disconnect', gone);
    void watchdog?.terminate();
  };
}
