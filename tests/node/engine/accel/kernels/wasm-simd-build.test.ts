// The committed WebAssembly kernels (training-kernels-binary.ts, training-kernels.wasm) are
// what the C kernel families (training-kernels/*.c, one translation unit) compile to, and the module keeps off tfjs's heap (the build script
// rejects shadow-stack use and static data). Needs clang and wasm-ld; skipped without them
// (CI uses the committed build).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { trainingKernelsWasmBase64 } from '../../../../../main/engine/accel/wasm-simd/training-kernels-binary';

const root = path.resolve(__dirname, '../../../../..');
// The check is byte-exact against Debian's clang and lld, and the script is bash with GNU
// base64: it runs on Linux only. Each tool is asked for its version (no shell needed).
const hasClang = process.platform === 'linux' && ['clang', 'wasm-ld'].every((tool) => spawnSync(tool, ['--version']).status === 0);

describe('wasm SIMD training kernels build', () => {
  it('the base64 module and the .wasm file are the same bytes', () => {
    const file = fs.readFileSync(path.join(root, 'main/engine/accel/wasm-simd/training-kernels.wasm'));
    expect(Buffer.from(trainingKernelsWasmBase64, 'base64').equals(file)).toBe(true);
  });

  it('the C kernel families, in build order, export exactly what the committed module exports, in that order', () => {
    // The build script concatenates the families, in the order it lists, into one translation unit.
    const script = fs.readFileSync(path.join(root, 'scripts/build-wasm-kernels.sh'), 'utf8');
    const order = /^families=\(([^)]*)\)$/m.exec(script)?.[1].trim().split(/\s+/) ?? [];
    expect(order[0]).toBe('common');
    const unit = { stdout: order.map((f) => fs.readFileSync(path.join(root, 'main/engine/accel/wasm-simd/training-kernels', `${f}.c`), 'utf8')).join('') };
    const declared = [...unit.stdout.matchAll(/^EXPORT\((\w+)\)$/gm)].map((m) => m[1]);
    const bytes = fs.readFileSync(path.join(root, 'main/engine/accel/wasm-simd/training-kernels.wasm'));
    const exported = WebAssembly.Module.exports(new WebAssembly.Module(bytes)).filter((e) => e.kind === 'function').map((e) => e.name);
    expect(declared).toEqual(exported);
    // Every family file is built, once.
    const families = fs.readdirSync(path.join(root, 'main/engine/accel/wasm-simd/training-kernels')).filter((f) => f.endsWith('.c')).map((f) => f.slice(0, -2));
    expect([...order].sort()).toEqual(families.sort());
  });

  it.skipIf(!hasClang)('the committed build matches a fresh build of training-kernels.c (Linux with clang and wasm-ld only: the committed build is Debian clang’s output)', () => {
    const check = spawnSync('bash', [path.join(root, 'scripts/build-wasm-kernels.sh'), '--check'], { encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });
});
