// Bundles the Node-side entry points with esbuild into CommonJS under dist/.
// Why esbuild and CommonJS: one fast tool for main, preload, worker and CLI; Electron's
// sandboxed preload must be CommonJS; and the same files load under plain Node
// (`child_process.fork`, the CLI) and Electron (`utilityProcess.fork`) unchanged.
// Native and heavy packages stay external and are resolved from node_modules at run time.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const external = [
  'electron',
  'better-sqlite3',
  'sharp',
  '@tensorflow/*',
  'mnist',
  'electron-updater',
];

const nodeEntries = {
  'main/index': 'main/index.ts',
  'main/cli': 'main/cli.ts',
  'main/worker': 'main/training/worker.ts',
  'main/helper': 'main/training/helper-worker.ts',
  'main/data-parallel-replica': 'main/engine/accel/data-parallel/replica.ts',
  'main/dense-trainer-thread': 'main/engine/accel/dense-trainer/dense-trainer-thread.ts',
  'main/predict-thread': 'main/engine/accel/data-parallel/predict-thread.ts',
};

export async function buildMain({ quiet = false } = {}) {
  const fs = await import('node:fs');
  const entryPoints = {};
  for (const [out, src] of Object.entries(nodeEntries)) {
    if (fs.existsSync(path.join(root, src))) entryPoints[out] = path.join(root, src);
  }
  const common = {
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    sourcemap: 'linked',
    external,
    logLevel: quiet ? 'error' : 'info',
    absWorkingDir: root,
    // The benches (scripts/bench/) sit under no tsconfig with the @contract path; say it here too.
    alias: { '@contract': './contract' },
  };
  if (Object.keys(entryPoints).length > 0) {
    await build({ ...common, entryPoints, outdir: path.join(root, 'dist') });
  }
  const preload = path.join(root, 'preload/index.ts');
  if (fs.existsSync(preload)) {
    await build({ ...common, entryPoints: { 'preload/index': preload }, outdir: path.join(root, 'dist') });
  }
  const benchDir = path.join(root, 'scripts/bench');
  if (fs.existsSync(benchDir)) {
    const benches = {};
    for (const f of fs.readdirSync(benchDir)) {
      if (f.endsWith('.ts')) benches[`bench/${f.slice(0, -3)}`] = path.join(benchDir, f);
    }
    if (Object.keys(benches).length > 0) {
      await build({ ...common, entryPoints: benches, outdir: path.join(root, 'dist') });
    }
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildMain().catch((err) => {
    console.error(err.message);
    process.exit(1);
  });
}
