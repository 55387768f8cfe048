// Entry point of a training worker process. The same file runs under Electron's
// utilityProcess (messages through process.parentPort) and under plain Node's
// child_process.fork (messages through process.send); only this adapter knows which.
import type { FromWorker, ToWorker } from './protocol';
import { runJob } from './run-job';
import { watchParent } from './parent-link';
import { ownIdentity } from '../store/process-identity';
import { errorCodeOf } from '@contract/errors';

interface ParentPort {
  on(event: 'message', listener: (event: { data: ToWorker }) => void): void;
  on(event: 'close', listener: () => void): void;
  postMessage(message: FromWorker): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

function send(message: FromWorker, then?: () => void): void {
  if (parentPort) {
    parentPort.postMessage(message);
    if (then) setImmediate(then);
  } else if (process.send) {
    process.send(message, undefined, {}, () => then?.());
  }
}

function onMessage(listener: (message: ToWorker) => void): void {
  if (parentPort) parentPort.on('message', (event) => listener(event.data));
  else process.on('message', (message) => listener(message as ToWorker));
}

let cancelled = false;
let started = false;

onMessage((message) => {
  if (message.type === 'cancel') {
    cancelled = true;
    return;
  }
  if (message.type === 'start' && !started) {
    started = true;
    // Exit only once the last message has been handed to the channel, so nothing is lost.
    runJob(message.job, (m) => send(m), () => cancelled)
      .then(() => send({ type: 'done' }, () => process.exit(0)))
      .catch((err: unknown) => {
        const error = err instanceof Error ? err : new Error(String(err));
        send({ type: 'failed', message: error.message, code: errorCodeOf(error) }, () => process.exit(1));
      });
  }
});

// Training for a supervisor that is gone would be recorded nowhere: stop at once.
watchParent({ parentPort, onGone: () => process.exit(1) });

// Stopping is the supervisor's decision: Ctrl-C in a terminal (or a console close on Windows)
// reaches the CLI, which cancels the run properly; the worker itself ignores it.
for (const signal of ['SIGINT', 'SIGHUP', 'SIGBREAK'] as const) {
  try {
    process.on(signal, () => {});
  } catch {
    // Not a signal on this platform.
  }
}

// An error nothing caught would end the process with only a stack on stderr, which Electron
// may stop reading once the process exits; tell the supervisor over the message channel first.
process.on('uncaughtException', (err: unknown) => {
  const error = err instanceof Error ? err : new Error(String(err));
  process.stderr.write(`${error.stack ?? error.message}\n`);
  send({ type: 'failed', message: `uncaught error in the training process: ${error.message}`, code: errorCodeOf(error) }, () => process.exit(1));
});

send({ type: 'ready', process: ownIdentity() });
