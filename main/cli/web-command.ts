// `transfer-lab web [--port N] [--open | --no-open]`: browser mode. Serves the built
// renderer and the contract on 127.0.0.1 and prints the URL with the session token, like
// Jupyter does. It does not open a browser unless asked (--open): it is mostly run where
// there is no display, e.g. over SSH with the port forwarded. Ctrl-C (or SIGTERM) cancels
// running experiments, closes the database and exits.
import { createWebServer } from '../web/server';
import { RendererMissingError } from '../web/static-files';
import { UserError } from './user-error';
import { openUrl } from './open-url';
import { onStopRequest } from './stop-signals';

export interface WebOptions {
  port?: string;
  db?: string;
  open: boolean;
}

export function parsePort(text: string | undefined): number {
  if (text === undefined) return 0;
  const port = Number(text);
  if (!/^\d+$/.test(text) || !Number.isInteger(port) || port > 65_535) {
    throw new UserError(`--port must be a whole number from 0 to 65535 (0 picks a free port), got "${text}"`);
  }
  return port;
}

export async function webCommand(options: WebOptions): Promise<number> {
  const port = parsePort(options.port);
  let server;
  try {
    server = await createWebServer({ port, databaseFile: options.db });
  } catch (err) {
    if (err instanceof RendererMissingError) throw new UserError(err.message);
    if (err instanceof Error && /already in use/.test(err.message)) throw new UserError(err.message);
    throw err;
  }
  // One write, so whoever reads the URL line has the rest too.
  process.stdout.write(
    [
      `Transfer Lab is running at ${server.url}`,
      `  data folder  ${server.app.dataFolder}`,
      '  Anyone with this URL can use Transfer Lab as you: keep the token private. Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  if (options.open) openUrl(server.url, (why) => process.stderr.write(`Could not open a browser: ${why}; open the URL above yourself.\n`));

  // Ctrl-C, SIGTERM, a closed terminal or console: cancel running experiments and close the
  // database; a second signal while stopping means "now" (see stop-signals.ts).
  let stopListening = () => {};
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    stopListening = onStopRequest(resolve);
  });
  const running = server.app.supervisor.running().length;
  process.stderr.write(`\n${signal === 'SIGINT' ? 'Stopping' : `Received ${signal}, stopping`}${running ? ` (cancelling ${running} running experiment${running === 1 ? '' : 's'})` : ''}…\n`);
  await server.close();
  stopListening();
  return 0;
}
