// Cancelling a run while its image folder is being decoded (a real forked worker): the
// decoding stops well before the supervisor's grace period would kill the worker, the run is
// cancelled, and no cache file, whole or partial, is left to be used later.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppContext, type AppContext } from '../../../main/services/app-context';
import { imageCacheFolder } from '../../../main/engine/data/datasets/image-cache';

let dir: string;
let app: AppContext | undefined;
const IMAGES = 1200;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-cancel-loading-'));
  const raw = Buffer.alloc(256 * 256 * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 7) % 251;
  for (const name of ['a', 'b']) fs.mkdirSync(path.join(dir, 'photos', name), { recursive: true });
  let next = 0;
  const write = async () => {
    while (next < IMAGES) {
      const i = next++;
      await sharp(raw, { raw: { width: 256, height: 256, channels: 3 } })
        .modulate({ hue: i % 360 })
        .jpeg({ quality: 80 })
        .toFile(path.join(dir, 'photos', i % 2 ? 'a' : 'b', `${i}.jpg`));
    }
  };
  await Promise.all([write(), write(), write(), write()]);
}, 120_000);

afterAll(async () => {
  await app?.close();
  fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
});

describe('cancelling while a folder decodes', () => {
  it('stops the decoding promptly, cancels the run and leaves no cache behind', async () => {
    app = createAppContext({ databaseFile: path.join(dir, 'db.sqlite') });
    const cacheFolder = imageCacheFolder(app.dataFolder);
    const started = app.experiments.start({
      name: 'cancel while loading',
      seed: 1,
      backend: 'wasm',
      source: {
        dataset: { kind: 'folder', path: path.join(dir, 'photos'), imageSize: [160, 160] },
        model: { architecture: 'seed-cnn' },
        training: { epochs: 1, batchSize: 16, validationSplit: 0 },
      },
    });
    // The build is under way once its partial file exists.
    const partial = () => (fs.existsSync(cacheFolder) ? fs.readdirSync(cacheFolder).filter((n) => n.endsWith('.partial')) : []);
    const deadline = Date.now() + 60_000;
    while (partial().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(partial().length).toBe(1);
    const cancelledAt = Date.now();
    app.experiments.cancel(started.experimentId);
    const outcome = await started.done;
    // The supervisor kills a worker that has not stopped after 5 s; this one stopped by itself.
    expect(Date.now() - cancelledAt).toBeLessThan(4000);
    expect(outcome.status).toBe('cancelled');
    expect(app.store.runs.require(started.runs[0].id).status).toBe('cancelled');
    expect(fs.readdirSync(cacheFolder)).toEqual([]);
  }, 120_000);
});
