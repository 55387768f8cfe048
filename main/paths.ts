// Where the application's own files are, in every way it runs: TypeScript sources under
// vitest, the esbuild bundles in dist/ under Node, and app.asar inside the packaged app.
import fs from 'node:fs';
import path from 'node:path';

let cachedRoot: string | undefined;

/** The folder holding Transfer Lab's package.json (dist/, resources/ live beside it). */
export function appRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = __dirname;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      const { name } = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string };
      if (name === 'transfer-lab') return (cachedRoot = dir);
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find Transfer Lab's package.json above ${__dirname}`);
    dir = parent;
  }
}

/** The built training worker that the supervisor starts. */
export function workerFile(): string {
  return path.join(appRoot(), 'dist', 'main', 'worker.js');
}

/** The helper process for heavy requests of the UI (training/helper-worker.ts, built). */
export function helperFile(): string {
  return path.join(appRoot(), 'dist', 'main', 'helper.js');
}

/** Built-in resources: sample data, example specs. In the packaged app they are extra resources. */
export function resourcesDir(): string {
  const packaged = (process as { resourcesPath?: string }).resourcesPath;
  if (packaged && fs.existsSync(path.join(packaged, 'resources'))) return path.join(packaged, 'resources');
  return path.join(appRoot(), 'resources');
}

/** The app's package.json (in the packaged app, with what scripts/dist.mjs added to it). */
export function appManifest(): { version: string; transferLabBuild?: { signed?: unknown } } {
  return JSON.parse(fs.readFileSync(path.join(appRoot(), 'package.json'), 'utf8')) as { version: string };
}

export function appVersion(): string {
  return appManifest().version;
}
