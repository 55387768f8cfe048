// A real experiment on webgpu through the CLI and the training worker process: source
// training with augmentation, fine-tuning with a frozen (cached) prefix and L2-SP, then
// train-more from the checkpoint. Every run records the adapter it ran on. Tiny data (lavapipe
// is a CPU rasteriser); skips without an adapter unless TRANSFER_LAB_REQUIRE_WEBGPU=1.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { probeWebgpuAdapter } from '../../../main/engine/accel/webgpu';
import { runCli } from './run-cli';

const adapter = await probeWebgpuAdapter();
const available = adapter !== undefined || process.env.TRANSFER_LAB_REQUIRE_WEBGPU === '1';

describe.skipIf(!available)('an experiment on backend "webgpu" (CLI, worker process)', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-webgpu-run-'));
  afterAll(() => fs.rmSync(home, { recursive: true, force: true, maxRetries: 5 }));

  const cli = (args: string[]) => runCli(home, args);

  function environments(): { id: string; role: string; environment: Record<string, unknown> }[] {
    const db = new Database(path.join(home, 'transfer-lab.sqlite'), { readonly: true });
    try {
      const rows = db.prepare('SELECT id, role, environment_json FROM runs ORDER BY created_at').all() as { id: string; role: string; environment_json: string }[];
      return rows.map((r) => ({ id: r.id, role: r.role, environment: JSON.parse(r.environment_json) }));
    } finally {
      db.close();
    }
  }

  it('trains source and target, records the adapter, and trains more from the checkpoint', async () => {
    const spec = path.join(home, 'spec.json');
    fs.writeFileSync(spec, JSON.stringify({
      name: 'webgpu transfer',
      seed: 4,
      backend: 'webgpu',
      source: {
        dataset: { kind: 'builtin', name: 'shapes', limitPerClass: 6, imageSize: [16, 16] },
        model: { architecture: 'seed-cnn' },
        training: { epochs: 1, batchSize: 8, augmentation: { flip: true, rotation: 10 } },
      },
      target: {
        dataset: { kind: 'builtin', name: 'shapes', classes: ['circle', 'square'], limitPerClass: 6, imageSize: [16, 16] },
        freeze: { through: 'pool1' },
        regularization: { kind: 'l2-sp', alpha: 0.01, beta: 0.001 },
        training: { epochs: 1, batchSize: 4 },
      },
    }));
    const run = await cli(['run', spec, '--json']);
    expect(run.stderr).toMatch(/target run \S+ completed/);
    expect(run.code).toBe(0);
    const recorded = environments();
    expect(recorded.map((r) => r.role)).toEqual(['source', 'target']);
    for (const { environment } of recorded) {
      expect(environment).toMatchObject({ backend: 'webgpu', backendRequested: 'webgpu', gpuAdapter: adapter });
      expect(environment.gpu).toMatch(/max buffer .* max storage binding/);
    }

    const target = recorded[1];
    const more = await cli(['train-more', target.id, '--epochs', '1', '--json']);
    expect(more.code, more.stderr).toBe(0);
    const continued = JSON.parse(more.stdout);
    expect(continued).toMatchObject({ status: 'completed', parentRunId: target.id, backend: 'webgpu' });
    expect(continued.epochs.map((e: { epoch: number }) => e.epoch)).toEqual([2]);
  }, 240_000);
});
