// Entry point of the helper process: a long-lived worker that answers the UI's heavy requests
// (see helper-protocol.ts) so the process serving the window never decodes an image, builds
// a model or loads a whole dataset. Like the training worker it runs under Electron's
// utilityProcess (process.parentPort) or plain Node's child_process.fork (process.send), and
// ends by itself when its parent is gone. Requests run concurrently; each answer names its id.
import type { FromHelper, ToHelper } from './helper-protocol';
import { HelperJobs } from './helper-jobs';
import { watchParent } from './parent-link';
import { errorCodeOf } from '@contract/errors';

interface ParentPort {
  on(event: 'message', listener: (event: { data: ToHelper }) => void): void;
  on(event: 'close', listener: () => void): void;
  postMessage(message: FromHelper): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

function send(message: FromHelper): void {
  if (parentPort) parentPort.postMessage(message);
  else process.send?.(message);
}

function onMessage(listener: (message: ToHelper) => void): void {
  if (parentPort) parentPort.on('message', (event) => listener(event.data));
  else process.on('message', (message) => listener(message as ToHelper));
}

const jobs = new HelperJobs();

async function answer(request: ToHelper): Promise<unknown> {
  const onDownloadProgress = (p: { name: string; file: string; received: number; total?: number | null }) =>
    send({ type: 'download-progress', id: request.id, name: p.name, file: p.file, received: p.received, total: p.total ?? null });
  switch (request.method) {
    case 'backend':
      return jobs.backend(request.args);
    case 'summaryOfArchitecture':
      return jobs.summaryOfArchitecture(request.args);
    case 'summaryOfModel':
      return jobs.summaryOfModel(request.args);
    case 'predict':
      return jobs.predict(request.args);
    case 'preview':
      return jobs.preview(request.args, onDownloadProgress);
    case 'estimate':
      return jobs.estimate(request.args, onDownloadProgress);
    case 'samples':
      return jobs.samples(request.args, onDownloadProgress);
  }
}

onMessage((request) => {
  if (request.type !== 'request') return;
  answer(request).then(
    (result) => send({ type: 'result', id: request.id, result }),
    (err: unknown) => {
      const error = err instanceof Error ? err : new Error(String(err));
      const issues = (error as { issues?: { path: string; message: string }[] }).issues;
      send({ type: 'error', id: request.id, message: error.message, errorCode: errorCodeOf(error), ...(issues ? { issues } : {}) });
    },
  );
});

// Answering a core that is gone would reach no one: stop at once.
watchParent({ parentPort, onGone: () => process.exit(0) });

// Ctrl-C in a terminal reaches the CLI, which closes the helper itself.
for (const signal of ['SIGINT', 'SIGHUP', 'SIGBREAK'] as const) {
  try {
    process.on(signal, () => {});
  } catch {
    // Not a signal on this platform.
  }
}

send({ type: 'ready' });
