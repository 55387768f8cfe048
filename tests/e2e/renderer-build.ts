// Builds the renderer once per e2e run with Vite's API, so e2e tests exercise the same
// static bundle that Electron and browser mode serve.
import { build } from 'vite';
import path from 'node:path';

let built: Promise<string> | undefined;

export function buildRenderer(): Promise<string> {
  built ??= (async () => {
    await build({ configFile: path.resolve('renderer/vite.config.ts'), logLevel: 'error' });
    return path.resolve('dist/renderer');
  })();
  return built;
}
