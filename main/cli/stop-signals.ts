// Every way a user stops the CLI ends in the same place: the supervisor's cancel, so the run is
// recorded as cancelled with what it had. Ctrl-C is SIGINT; `kill` sends SIGTERM; closing the
// terminal (or the console window on Windows) is SIGHUP; Ctrl-Break on Windows is SIGBREAK.
// A second signal while cancelling means "stop now".

const STOP_SIGNALS: NodeJS.Signals[] = process.platform === 'win32' ? ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] : ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Calls `cancel` on the first stop signal and exits with 130 on the next; returns the unsubscribe. */
export function onStopRequest(cancel: (signal: NodeJS.Signals) => void): () => void {
  let received = 0;
  const handler = (signal: NodeJS.Signals) => {
    received += 1;
    if (received === 1) cancel(signal);
    else process.exit(130);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, handler);
  return () => {
    for (const signal of STOP_SIGNALS) process.off(signal, handler);
  };
}
