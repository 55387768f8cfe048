// A target run on an image folder with a cold cache, through the real supervisor and a forked
// worker: the frozen prefix's feature pass starts while the folder decodes, the run says so
// in its notes and records how much of the pass ran during loading; a second run on the warm
// cache does what it did before (no overlap, the pass after loading); training the run more
// after its cache was deleted overlaps again.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppContext, type AppContext } from '../../../main/services/app-context';
import { runTimings } from '../../../main/services/phase-timings';
import { imageCacheFolder } from '../../../main/engine/data/datasets/image-cache';
import type { ExperimentSpecInput } from '@contract/spec';

let dir: string;
let app: AppContext | undefined;
const IMAGES = 400;

const overlapSetting = process.env.TRANSFER_LAB_OVERLAP_FEATURES;

beforeAll(async () => {
  // The forked workers inherit it: overlap whatever the machine's cores (overlap-policy.ts).
  process.env.TRANSFER_LAB_OVERLAP_FEATURES = 'on';
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-overlap-run-'));
  for (const name of ['dark', 'light']) fs.mkdirSync(path.join(dir, 'photos', name), { recursive: true });
  const raw = Buffer.alloc(64 * 64 * 3);
  for (let i = 0; i < IMAGES; i++) {
    const light = i % 2 === 1;
    for (let p = 0; p < raw.length; p++) raw[p] = ((light ? 140 : 20) + ((p * 7 + i * 13) % 100)) % 256;
    await sharp(raw, { raw: { width: 64, height: 64, channels: 3 } })
      .jpeg({ quality: 85 })
      .toFile(path.join(dir, 'photos', light ? 'light' : 'dark', `${i}.jpg`));
  }
}, 120_000);

afterAll(async () => {
  if (overlapSetting === undefined) delete process.env.TRANSFER_LAB_OVERLAP_FEATURES;
  else process.env.TRANSFER_LAB_OVERLAP_FEATURES = overlapSetting;
  await app?.close();
  fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
});

function spec(): ExperimentSpecInput {
  return {
    name: 'overlapped feature pass',
    seed: 2,
    backend: 'wasm',
    trainingThreads: 2,
    source: {
      dataset: { kind: 'builtin', name: 'shapes', limitPerClass: 12 },
      model: { architecture: 'seed-cnn' },
      training: { epochs: 1, batchSize: 16, validationSplit: 0 },
    },
    target: {
      dataset: { kind: 'folder', path: path.join(dir, 'photos') },
      freeze: { through: 'pool1' },
      head: 'replace',
      training: { epochs: 1, batchSize: 16, validationSplit: 0.25 },
      baseline: false,
    },
  };
}

describe('a target run on a cold image folder', () => {
  it('runs the feature pass while the folder decodes, and as before on the warm cache', async () => {
    app = createAppContext({ databaseFile: path.join(dir, 'db.sqlite') });
    const recorded = (runId: string) => {
      const stored = app!.store.runs.get(runId)!;
      expect(stored.status).toBe('completed');
      return { id: runId, notes: (stored.environment?.notes ?? []) as string[], timings: runTimings(stored)! };
    };
    const targetOf = async () => {
      const started = app!.experiments.start(spec());
      expect((await started.done).status).toBe('completed');
      const target = app!.experiments.report(started.experimentId).runs.find((r) => r.role === 'target')!;
      expect(target.evaluation?.accuracy).toBeGreaterThanOrEqual(0);
      return recorded(target.id);
    };
    const cold = await targetOf();
    expect(cold.notes.some((n) => n.startsWith('frozen-feature cache: conv1..pool1'))).toBe(true);
    expect(cold.notes.some((n) => n.startsWith('feature pass overlapped with decoding'))).toBe(true);
    expect(cold.timings.featuresMs).toBeGreaterThan(0);
    expect(cold.timings.featuresDuringLoadMs).toBeGreaterThan(0);
    expect(cold.timings.featuresDuringLoadMs).toBeLessThanOrEqual(cold.timings.loadMs);

    const warm = await targetOf();
    expect(warm.notes.some((n) => n.startsWith('frozen-feature cache: conv1..pool1'))).toBe(true);
    expect(warm.notes.some((n) => n.includes('overlapped'))).toBe(false);
    expect(warm.timings.featuresMs).toBeGreaterThan(0);
    expect(warm.timings.featuresDuringLoadMs).toBeUndefined();

    // Train more after the cache was deleted: the continuation decodes again, overlapped too.
    fs.rmSync(imageCacheFolder(app.dataFolder), { recursive: true, force: true });
    const more = await app.experiments.trainMore(warm.id, 1);
    expect((await more.done).status).toBe('completed');
    const continued = recorded(more.runs[0].id);
    expect(continued.notes.some((n) => n.startsWith('continued (train more) from run'))).toBe(true);
    expect(continued.notes.some((n) => n.startsWith('feature pass overlapped with decoding'))).toBe(true);
    expect(continued.timings.featuresDuringLoadMs).toBeGreaterThan(0);
  }, 240_000);
});
