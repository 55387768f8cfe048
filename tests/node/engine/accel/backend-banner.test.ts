// tfjs's "install our node backend" banner: printed by its cpu backend in a fresh Node
// process, and not printed once the app has chosen (and recorded) its backend. Each case runs
// in its own real Node process (bundled with esbuild), since the banner prints once per process.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const BANNER = /install our node backend/;

async function outputOf(body: string): Promise<string> {
  // Inside the repository, so the bundle's dynamic import() finds node_modules (it ignores NODE_PATH).
  fs.mkdirSync(path.resolve('test-results'), { recursive: true });
  const dir = fs.mkdtempSync(path.join(path.resolve('test-results'), 'tl-banner-'));
  try {
    const entry = path.join(dir, 'entry.ts');
    fs.writeFileSync(entry, `import * as tf from '@tensorflow/tfjs';\nimport { selectBackend } from ${JSON.stringify(path.resolve('main/engine/accel/backend'))};\nvoid selectBackend;\n(async () => {\n${body}\n})();\n`);
    const out = path.join(dir, 'entry.js');
    await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', outfile: out, external: ['@tensorflow/*', 'better-sqlite3', 'sharp'], logLevel: 'silent' });
    return execFileSync(process.execPath, [out], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  } catch (err) {
    throw new Error(`banner probe failed: ${(err as { stderr?: string }).stderr ?? String(err)}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the body, then reports what it wrote to stderr on stdout (console.warn goes to stderr). */
const probe = (body: string) =>
  outputOf(`const warnings: string[] = [];\nconsole.warn = (...a: unknown[]) => { warnings.push(a.join(' ')); };\n${body}\nprocess.stdout.write(JSON.stringify(warnings));`);

describe('the tfjs node-backend banner', () => {
  it('is printed by a bare tfjs cpu backend (so the next test can fail)', async () => {
    const out = await probe(`await tf.setBackend('cpu');\ntf.tensor([1, 2, 3]).dataSync();`);
    expect(out).toMatch(BANNER);
  }, 60_000);

  it('is not printed once selectBackend has chosen, whichever backend it chose', async () => {
    for (const backend of ['cpu', 'wasm', 'auto']) {
      const out = await probe(`await selectBackend(${JSON.stringify(backend)});\ntf.tensor([1, 2, 3]).dataSync();\nawait tf.setBackend('cpu');\ntf.tensor([4, 5]).dataSync();`);
      expect(out, backend).not.toMatch(BANNER);
      // 'auto' may also try the native packages, which warn about their own kernels; the
      // explicit backends print nothing at all.
      if (backend !== 'auto') expect((JSON.parse(out.trim()) as string[]).join('\n'), backend).toBe('');
    }
  }, 120_000);
});
