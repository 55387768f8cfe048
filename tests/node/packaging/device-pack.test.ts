// The device pack (scripts/device/): the rules choosing its files, and — for real — the app it
// stages, run from a folder outside the repository with no node_modules above it, so every
// file the benches load at run time must be in the pack. The WebGPU part needs an adapter
// (lavapipe here and in CI); it skips without one unless TRANSFER_LAB_REQUIRE_WEBGPU=1.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// @ts-expect-error plain JavaScript build script without type declarations
import { REQUIRED, missingRequired, packageFolder, selectFiles } from '../../../scripts/device/pack-files.mjs';
import { parseThreadList } from '../../../scripts/bench/training/thread-scaling';
import { probeWebgpuAdapter } from '../../../main/engine/accel/webgpu';

const root = path.resolve('.');
const available = (await probeWebgpuAdapter()) !== undefined || process.env.TRANSFER_LAB_REQUIRE_WEBGPU === '1';

describe('device pack file rules', () => {
  it('finds the package folder of a file, scoped and nested packages included', () => {
    expect(packageFolder('node_modules/long/src/long.js')).toBe('node_modules/long');
    expect(packageFolder('node_modules/@img/sharp-linux-x64/lib/x.node')).toBe('node_modules/@img/sharp-linux-x64');
    expect(packageFolder('node_modules/webgpu/node_modules/debug/src/index.js')).toBe('node_modules/webgpu/node_modules/debug');
    expect(packageFolder('dist/main/worker.js')).toBeNull();
  });

  it('adds package.json, .wasm and shared libraries of each traced package, and drops maps, files outside the repo and other platforms’ dawn.node', () => {
    const tree: Record<string, string[]> = {
      'node_modules/@tensorflow/tfjs-backend-wasm': ['package.json', 'dist/tf-backend-wasm.node.js', 'dist/a.wasm', 'dist/b.wasm', 'src/index.ts'],
      'node_modules/@img/sharp-libvips-linux-x64': ['package.json', 'versions.json', 'lib/libvips-cpp.so.8.17.3', 'lib/index.js'],
      'node_modules/webgpu': ['package.json', 'index.js', 'dist/linux-x64/dawn.node', 'dist/win32-x64/dawn.node', 'dist/darwin-universal/dawn.node'],
    };
    const files = new Set(['dist/bench/gpu.js', 'dist/bench/gpu.js.map', 'scripts/bench/pytorch_gpu.py', 'scripts/bench/pytorch_training.py',
      ...Object.entries(tree).flatMap(([pkg, fs]) => fs.map((f) => `${pkg}/${f}`))]);
    const traced = ['dist/bench/gpu.js', 'dist/bench/gpu.js.map', 'node_modules/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.node.js',
      'node_modules/@img/sharp-libvips-linux-x64/versions.json', 'node_modules/webgpu/index.js', 'node_modules/webgpu/dist/win32-x64/dawn.node',
      'node_modules/webgpu/dist/linux-x64/dawn.node', '/proc/self/stat', '/tmp/x/data.bin'].map((f) => (f.startsWith('/') ? f : path.join('/repo', f)));
    const chosen = selectFiles('/repo', traced, { exists: (rel: string) => files.has(rel), list: (pkg: string) => tree[pkg] ?? [] });
    expect(chosen).toEqual([
      'dist/bench/gpu.js',
      'node_modules/@img/sharp-libvips-linux-x64/lib/libvips-cpp.so.8.17.3',
      'node_modules/@img/sharp-libvips-linux-x64/package.json',
      'node_modules/@img/sharp-libvips-linux-x64/versions.json',
      'node_modules/@tensorflow/tfjs-backend-wasm/dist/a.wasm',
      'node_modules/@tensorflow/tfjs-backend-wasm/dist/b.wasm',
      'node_modules/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.node.js',
      'node_modules/@tensorflow/tfjs-backend-wasm/package.json',
      'node_modules/webgpu/dist/linux-x64/dawn.node',
      'node_modules/webgpu/index.js',
      'node_modules/webgpu/package.json',
      'scripts/bench/pytorch_gpu.py',
      'scripts/bench/pytorch_training.py',
    ]);
    expect(missingRequired(chosen)).toContain('dist/main/worker.js');
  });

  it('reads a --threads list and says what was wrong with a bad one', () => {
    expect(parseThreadList('1,2,4,8,16')).toEqual([1, 2, 4, 8, 16]);
    expect(() => parseThreadList('1,two')).toThrow(/--threads: expected whole numbers ≥ 1 .* got "1,two"/);
    expect(() => parseThreadList('0')).toThrow(/--threads/);
  });
});

describe.skipIf(!available)('device pack, staged and run outside the repository (real benches; lavapipe)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-device-pack-'));
  const app = path.join(dir, 'app');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  // Only what a bare machine has: no NODE_PATH or NODE_OPTIONS, nothing of this checkout.
  const env = { PATH: '/usr/bin:/bin', HOME: dir, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp/xdg-runtime-0' };
  const bench = (suite: string, args: string[]) =>
    spawnSync(process.execPath, [`dist/bench/${suite}.js`, ...args], { cwd: app, env, encoding: 'utf8', timeout: 180_000 });

  it('stages the files the benches load, and the benches run from that copy alone', () => {
    const ancestors = [];
    for (let d = dir; d !== path.dirname(d); d = path.dirname(d)) ancestors.push(path.dirname(d));
    expect(ancestors.filter((d) => fs.existsSync(path.join(d, 'node_modules'))), 'node_modules above the copy would hide missing files').toEqual([]);

    const staged = spawnSync(process.execPath, ['scripts/device/pack.mjs', '--app-dir', app], { cwd: root, encoding: 'utf8', timeout: 180_000 });
    expect(staged.status, staged.stderr).toBe(0);
    const listed = fs.readFileSync(path.join(app, 'pack-files.txt'), 'utf8').split('\n').filter(Boolean);
    expect(listed).toEqual(expect.arrayContaining([...(REQUIRED as string[]), 'probe-adapter.mjs']));
    expect(listed.filter((f) => f.endsWith('dawn.node'))).toEqual(['node_modules/webgpu/dist/linux-x64/dawn.node']);
    for (const f of listed) expect(fs.existsSync(path.join(app, f)), f).toBe(true);

    const gpu = bench('gpu', ['--models', 'seed-cnn', '--batches', '64', '--samples', '64', '--epochs', '2', '--out', path.join(dir, 'gpu.json')]);
    expect(gpu.status, `${gpu.stdout}\n${gpu.stderr}`).toBe(0);
    const gpuResult = JSON.parse(fs.readFileSync(path.join(dir, 'gpu.json'), 'utf8'));
    expect(gpuResult.complete).toBe(true);
    expect(gpuResult.gpuAdapter).not.toBeNull();
    expect(gpuResult.results[0].webgpuSamplesPerSec).toBeGreaterThan(0);
    expect(gpuResult.results[0].cpuSamplesPerSec).toBeGreaterThan(0);

    // The MLP at 2 threads trains in the dense trainer's worker threads (a separate bundle).
    const scaling = bench('training', ['--models', 'mlp', '--threads', '1,2', '--samples-scale', '0.03125', '--epochs', '2', '--rounds', '1', '--out', path.join(dir, 'scaling.json')]);
    expect(scaling.status, `${scaling.stdout}\n${scaling.stderr}`).toBe(0);
    const scalingResult = JSON.parse(fs.readFileSync(path.join(dir, 'scaling.json'), 'utf8'));
    expect(scalingResult.complete).toBe(true);
    const rows = scalingResult.scaling;
    expect(rows.map((r: { threads: number }) => r.threads)).toEqual([1, 2]);
    for (const r of rows) expect(r.engineSamplesPerSec).toBeGreaterThan(0);
    expect(rows[0].engineSpeedup).toBe(1);

    // And the copy really is all it has: without the pack's SQLite addon the bench cannot start.
    fs.rmSync(path.join(app, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'));
    const broken = bench('gpu', ['--models', 'seed-cnn', '--batches', '64', '--samples', '64', '--epochs', '2']);
    expect(broken.status).not.toBe(0);
    expect(broken.stderr).toMatch(/better_sqlite3|bindings/i);
  }, 420_000);
});
