// Opens a URL in the user's default browser, for `transfer-lab web --open`.
// - macOS: `open URL`.
// - Windows: `rundll32 url.dll,FileProtocolHandler URL`, the shell's own URL handler, run
//   directly: no cmd.exe, whose `start ""` title Node re-quotes (start then opens nothing),
//   and no console window (windowsHide, and not detached, which would give it a console).
//   Named by its full path so a rundll32.exe in the current folder cannot stand in for it.
// - Linux and other Unixes: `xdg-open URL`, detached so Ctrl-C in this terminal does not
//   reach the browser it starts.
// The URL is one argv element everywhere: no shell parses it.
import { spawn, type SpawnOptions } from 'node:child_process';
import path from 'node:path';

export interface OpenCommand {
  command: string;
  args: string[];
  options: SpawnOptions;
}

export function openUrlCommand(url: string, platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): OpenCommand {
  if (platform === 'darwin') return { command: 'open', args: [url], options: { stdio: 'ignore', detached: true } };
  if (platform === 'win32') {
    const systemRoot = env.SystemRoot ?? env.SYSTEMROOT ?? 'C:\\Windows';
    return {
      command: path.win32.join(systemRoot, 'System32', 'rundll32.exe'),
      args: ['url.dll,FileProtocolHandler', url],
      options: { stdio: 'ignore', windowsHide: true },
    };
  }
  return { command: 'xdg-open', args: [url], options: { stdio: 'ignore', detached: true } };
}

/**
 * Best effort: starts the platform's opener and calls `onFailure` with a sentence when it
 * cannot start or exits with an error (no browser, no display).
 */
export function openUrl(url: string, onFailure: (message: string) => void): void {
  const { command, args, options } = openUrlCommand(url);
  try {
    const child = spawn(command, args, options);
    child.on('error', (error) => onFailure(`could not start ${command} (${error.message})`));
    child.on('exit', (code) => {
      if (code !== 0 && code !== null) onFailure(`${path.basename(command)} exited with code ${code}`);
    });
    child.unref();
  } catch (error) {
    onFailure(`could not start ${command} (${(error as Error).message})`);
  }
}
