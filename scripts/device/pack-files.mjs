// Which files of this repository the device pack holds, from a trace of the files the benches
// loaded (scripts/device/trace-files.mjs). Plain functions, so the rules are tested apart
// from the slow trace run (tests/node/packaging/device-pack.test.ts).
import fs from 'node:fs';
import path from 'node:path';

/** Files the benches need on a GPU machine that a trace must have seen; a pack without one is refused. */
export const REQUIRED = [
  'package.json',
  'dist/bench/gpu.js',
  'dist/bench/training.js',
  'dist/main/worker.js',
  'dist/main/data-parallel-replica.js',
  'dist/main/dense-trainer-thread.js',
  'dist/main/predict-thread.js',
  'node_modules/webgpu/dist/linux-x64/dawn.node',
  'node_modules/@tensorflow/tfjs-backend-webgpu/package.json',
  'node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm',
  'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
];

/** Copied whether traced or not: the PyTorch references run as python3 subprocesses. */
export const ALWAYS = ['scripts/bench/pytorch_training.py', 'scripts/bench/pytorch_gpu.py'];

/** The package folder of a path under node_modules ('node_modules/@a/b', 'node_modules/c/node_modules/d'), or null. */
export function packageFolder(rel) {
  const parts = rel.split('/');
  let end = -1;
  for (let i = 0; i < parts.length - 1; i++) {
    if (parts[i] !== 'node_modules') continue;
    end = parts[i + 1].startsWith('@') ? i + 2 : i + 1;
    i = end;
  }
  return end < 0 || end >= parts.length - 1 ? null : parts.slice(0, end + 1).join('/');
}

/**
 * Every file of `root` the pack must hold, as sorted paths relative to `root` with '/':
 * the traced files inside `root`, and for each package a traced file belongs to, its
 * package.json (module resolution reads it), its .wasm binaries and shared libraries (read or
 * loaded by the dynamic linker, which a trace of Node does not see), but no other
 * platform's dawn.node. `exists(rel)`/`list(folder)` read the tree (injectable for tests).
 */
export function selectFiles(root, traced, { exists = (rel) => fs.existsSync(path.join(root, rel)), list = (rel) => listFiles(path.join(root, rel)) } = {}) {
  const chosen = new Set();
  const packages = new Set();
  for (const file of traced) {
    const rel = path.relative(root, path.resolve(file)).split(path.sep).join('/');
    if (rel.startsWith('..') || path.isAbsolute(rel) || !exists(rel)) continue;
    if (rel.endsWith('.map')) continue;
    chosen.add(rel);
    const pkg = packageFolder(rel);
    if (pkg) packages.add(pkg);
  }
  for (const pkg of packages) {
    if (exists(`${pkg}/package.json`)) chosen.add(`${pkg}/package.json`);
    for (const f of list(pkg)) {
      const rel = `${pkg}/${f}`;
      if (/\.wasm$|\.so(\.\d+)*$/.test(f) && !f.includes('/node_modules/') && !f.startsWith('node_modules/')) chosen.add(rel);
    }
  }
  for (const rel of ALWAYS) if (exists(rel)) chosen.add(rel);
  for (const rel of [...chosen]) {
    if (/dist\/(darwin|win32|linux-arm64)[^/]*\/dawn\.node$/.test(rel)) chosen.delete(rel);
  }
  return [...chosen].sort();
}

/** REQUIRED files missing from `files`. */
export function missingRequired(files) {
  const have = new Set(files);
  return REQUIRED.filter((rel) => !have.has(rel));
}

/** Files under `dir`, relative to it, with '/'. */
export function listFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath ?? e.path, e.name)).split(path.sep).join('/'));
}
