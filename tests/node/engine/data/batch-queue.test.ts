// The bounded read-ahead of batches (batch-queue.ts) over real disk-backed samples: an image
// cache built from PNG files by sharp, and on-disk frozen features. Each batch must equal
// what the synchronous gather gives, memory must stay at depth buffers, a truncated file must
// be named in the error, stopping mid-pass must leave no read writing, and training through
// the queue must give the very weights the synchronous path gives.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../main/engine/accel/backend';
import { BatchQueue, type Batch } from '../../../../main/engine/data/batch-queue';
import { createFeatureStore } from '../../../../main/engine/data/datasets/feature-store';
import { decodeImageFile } from '../../../../main/engine/data/datasets/folder';
import { openImageCache, type CachedImage, type ImageCache } from '../../../../main/engine/data/datasets/image-cache';
import { transformImage } from '../../../../main/engine/data/datasets/image-transform';
import { gatherRows, mapSamples, pickSamples, type Samples } from '../../../../main/engine/data/datasets/samples';
import { createAugmenter } from '../../../../main/engine/data/augmentation';
import { buildModel } from '../../../../main/engine/model';
import { createRng, shuffledIndices } from '../../../../main/engine/rng';
import { gatherBatch, splitValidation, trainModel } from '../../../../main/engine/training/train';
import type { Split } from '../../../../main/engine/data/datasets/dataset';
import type { TrainingSpec } from '@contract/spec';
import { makeTempDir } from '../../../fixtures/dataset-files';
import { weightArrays } from '../tiny-data';

const temp = makeTempDir('transfer-lab-batch-queue-');
afterAll(() => temp.remove());

const shape = [10, 12, 3] as const;
const count = 45;
const numClasses = 3;
let images: CachedImage[];
let cache: ImageCache;
const labels = Int32Array.from({ length: count }, (_, i) => i % numClasses);

/** Class c brightens its own band of rows, on noise that differs per image. */
async function writeImage(file: string, i: number): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const [h, w] = shape;
  const raw = Buffer.alloc(h * w * 3);
  for (let p = 0; p < raw.length; p++) {
    const row = Math.floor(p / (w * 3));
    const inBand = Math.floor((row * numClasses) / h) === i % numClasses;
    raw[p] = ((i * 37 + p * 11) % 90) + (inBand ? 140 : 0);
  }
  await sharp(raw, { raw: { width: w, height: h, channels: 3 } }).png().toFile(file);
}

/** A cache of its own, in a folder of its own (tests that damage it do not touch the others). */
async function buildCache(name: string): Promise<ImageCache> {
  return openImageCache({ root: path.join(temp.dir, 'photos'), images, shape, cacheFolder: path.join(temp.dir, name), decode: decodeImageFile });
}

beforeAll(async () => {
  await selectBackend('wasm');
  images = [];
  for (let i = 0; i < count; i++) {
    const id = `c${i % numClasses}/${i}.png`;
    await writeImage(path.join(temp.dir, 'photos', id), i);
    images.push({ file: path.join(temp.dir, 'photos', id), id });
  }
  cache = await buildCache('data');
}, 60_000);

/** The same samples without their asynchronous read: the synchronous path, for reference. */
const synchronous = (s: Samples): Samples => ({ count: s.count, size: s.size, read: s.read.bind(s) });

/** Every batch of a pass, copied (the queue's buffers are reused), released as it is taken. */
async function drain(queue: BatchQueue, order: Int32Array | null): Promise<{ x: number[]; y: number[]; n: number }[]> {
  queue.start(order);
  const out: { x: number[]; y: number[]; n: number }[] = [];
  for (let b = await queue.next(); b; b = await queue.next()) {
    out.push({ x: Array.from(b.x), y: Array.from(b.y), n: b.n });
    queue.release(b);
  }
  await queue.stop();
  return out;
}

/** The batches the synchronous gather gives for the same order. */
function gathered(samples: Samples, order: Int32Array, batchSize: number): { x: number[]; y: number[]; n: number }[] {
  const split: Split = { x: synchronous(samples), y: labels.subarray(0, samples.count), ids: [] };
  const out: { x: number[]; y: number[]; n: number }[] = [];
  for (let from = 0; from < order.length; from += batchSize) {
    const to = Math.min(order.length, from + batchSize);
    const b = gatherBatch(split, order, from, to, samples.size);
    out.push({ x: Array.from(b.x), y: Array.from(b.y), n: to - from });
  }
  return out;
}

/** Wraps a disk-backed source, counting its asynchronous reads and when each one wrote. */
function watched(base: Samples, delayMs = 0) {
  const log = { started: 0, settled: 0, concurrent: 0, most: 0, lastWriteAt: 0 };
  const samples: Samples = {
    count: base.count,
    size: base.size,
    read: base.read.bind(base),
    readRowsAsync: async (rows, dst) => {
      log.started += 1;
      log.concurrent += 1;
      log.most = Math.max(log.most, log.concurrent);
      try {
        if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
        await base.readRowsAsync!(rows, dst);
        log.lastWriteAt = performance.now();
      } finally {
        log.concurrent -= 1;
        log.settled += 1;
      }
    },
  };
  return { samples, log };
}

describe('batch queue', () => {
  it('yields exactly the batches of the synchronous gather for a shuffled order over an image cache, through picks and resizes', async () => {
    expect(cache.samples.readRowsAsync).toBeDefined();
    const order = shuffledIndices(count, createRng(5));
    const queue = new BatchQueue(cache.samples, { batchSize: 7, depth: 3, labels });
    const batches = await drain(queue, order);
    expect(batches.map((b) => b.n)).toEqual([7, 7, 7, 7, 7, 7, 3]);
    expect(batches).toEqual(gathered(cache.samples, order, 7));

    // A subset (a split's index view) and a resize to another input size pass the asynchronous read through.
    const subset = Int32Array.from({ length: 30 }, (_, k) => (k * 7) % count);
    const picked = pickSamples(cache.samples, subset);
    const resized = mapSamples(picked, 8 * 8 * 1, (src, dst, offset) => transformImage(src, [...shape], [8, 8, 1], dst, offset));
    for (const samples of [picked, resized]) {
      expect(samples.readRowsAsync).toBeDefined();
      const subOrder = shuffledIndices(samples.count, createRng(9));
      const q = new BatchQueue(samples, { batchSize: 4, depth: 2, labels: labels.subarray(0, samples.count) });
      expect(await drain(q, subOrder)).toEqual(gathered(samples, subOrder, 4));
    }
  });

  it('yields exactly the batches of the synchronous gather over frozen features on disk', async () => {
    const size = 37;
    const store = createFeatureStore(count, size, 0);
    expect(store.onDisk).toBe(true);
    const values = Float32Array.from({ length: count * size }, (_, i) => Math.sin(i) * 1000);
    store.write(0, values.subarray(0, 20 * size));
    store.write(20, values.subarray(20 * size));
    const samples = store.samples();
    expect(samples.readRowsAsync).toBeDefined();
    const order = shuffledIndices(count, createRng(3));
    const batches = await drain(new BatchQueue(samples, { batchSize: 8, labels }), order);
    expect(batches).toEqual(gathered(samples, order, 8));
    // In order (evaluation, the feature pass), consecutive rows are read at once: still the same rows.
    expect(await drain(new BatchQueue(samples, { batchSize: 16 }), null)).toEqual(
      gathered(samples, Int32Array.from({ length: count }, (_, i) => i), 16).map((b) => ({ ...b, y: [] })),
    );
    store.dispose();
  });

  it('never holds more than depth buffers nor has more than depth reads in flight, and reuses them from pass to pass', async () => {
    const { samples, log } = watched(cache.samples, 2);
    const queue = new BatchQueue(samples, { batchSize: 4, depth: 3, labels });
    for (let pass = 0; pass < 2; pass++) await drain(queue, shuffledIndices(count, createRng(pass)));
    expect(queue.allocated).toBe(3);
    expect(log.most).toBeLessThanOrEqual(3);
    expect(log.started).toBe(2 * Math.ceil(count / 4));

    // Holding depth batches without releasing any: the next is refused, not read into a buffer in use.
    queue.start(null);
    const held: Batch[] = [];
    for (let k = 0; k < 3; k++) held.push((await queue.next())!);
    await expect(queue.next()).rejects.toThrow(/all 3 buffers are handed out/);
    expect(queue.allocated).toBe(3);
    queue.release(held[0]);
    expect((await queue.next())!.from).toBe(12);
    await queue.stop();
  });

  it('reads fewer batches ahead where depth batches would pass its memory limit, one at the least', async () => {
    const batchBytes = 4 * cache.samples.size * 4;
    expect(new BatchQueue(cache.samples, { batchSize: 4, depth: 3, readAheadBytes: 2 * batchBytes }).depth).toBe(2);
    const { samples, log } = watched(cache.samples);
    const queue = new BatchQueue(samples, { batchSize: 4, depth: 3, labels, readAheadBytes: batchBytes - 1 });
    expect(queue.depth).toBe(1);
    const order = shuffledIndices(count, createRng(4));
    expect(await drain(queue, order)).toEqual(gathered(cache.samples, order, 4));
    expect(queue.allocated).toBe(1);
    expect(log.most).toBe(1);
  });

  it('has the next batches read while the current one is used (the overlap with compute)', async () => {
    const { samples, log } = watched(cache.samples);
    const queue = new BatchQueue(samples, { batchSize: 5, depth: 3, labels });
    queue.start(shuffledIndices(count, createRng(1)));
    const first = (await queue.next())!;
    // While this batch is computed on, the two after it are already being read (or read).
    expect(log.started).toBe(3);
    queue.release(first);
    expect(log.started).toBe(4);
    await queue.stop();
  });

  it('stopped mid-pass, leaves no read in flight and none writing into its buffers afterwards', async () => {
    const { samples, log } = watched(cache.samples, 30);
    const queue = new BatchQueue(samples, { batchSize: 5, depth: 3, labels });
    queue.start(shuffledIndices(count, createRng(2)));
    const first = (await queue.next())!;
    queue.release(first);
    expect(queue.inFlight).toBeGreaterThan(0);
    await queue.stop();
    const stoppedAt = performance.now();
    const started = log.started;
    expect(queue.inFlight).toBe(0);
    expect(log.concurrent).toBe(0);
    expect(log.settled).toBe(log.started);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(log.lastWriteAt).toBeLessThanOrEqual(stoppedAt);
    expect(log.started).toBe(started);
    await expect(queue.next()).rejects.toThrow(/while stopped/);
  });

  it('a read error names the file: the image cache truncated while open', async () => {
    const damaged = await buildCache('damaged');
    fs.truncateSync(damaged.file, fs.statSync(damaged.file).size - shape[0] * shape[1] * shape[2] * 10);
    const queue = new BatchQueue(damaged.samples, { batchSize: 8, depth: 2, labels });
    queue.start(null);
    let error: Error | undefined;
    try {
      for (let b = await queue.next(); b; b = await queue.next()) queue.release(b);
    } catch (e) {
      error = e as Error;
    }
    await queue.stop();
    expect(error?.message).toContain(`image cache ${damaged.file}`);
    expect(error?.message).toMatch(/ends at byte \d+/);
    expect(queue.inFlight).toBe(0);
    // The synchronous read says the same.
    expect(() => gatherRows(damaged.samples, null, count - 1, count)).toThrow(new RegExp(`image cache ${damaged.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: the file ends within row ${count - 1}`));
  });

  it('a read error names the file: on-disk features read after they were disposed', async () => {
    const store = createFeatureStore(4, 3, 0);
    store.write(0, new Float32Array(12));
    const samples = store.samples();
    store.dispose();
    const queue = new BatchQueue(samples, { batchSize: 2 });
    queue.start(null);
    await expect(queue.next()).rejects.toThrow(/could not read feature file .*transfer-lab-features-.*\.f32/);
    await queue.stop();
  });
});

describe('training through the batch queue', () => {
  const training: TrainingSpec = { epochs: 3, batchSize: 8, optimizer: 'adam', learningRate: 0.01, validationSplit: 0.2 };

  async function trainOn(x: Samples, arch: 'seed-cnn' | 'mlp', inputShape: number[], augmented: boolean) {
    const model = buildModel(arch, inputShape, numClasses, 4);
    const split: Split = { x, y: labels, ids: images.map((i) => i.id) };
    const data = splitValidation(split, training.validationSplit, 7, inputShape);
    const augment = augmented ? createAugmenter({ flip: true, shift: 0.1, rotation: 10, brightness: 0.1 }) : undefined;
    const result = await trainModel(model, data, training, { seed: 11, inputShape, numClasses, augment, threads: 1 });
    const weights = weightArrays(model);
    model.dispose();
    return { weights, epochs: result.epochs.map(({ durationMs: _d, samplesPerSec: _s, ...rest }) => rest) };
  }

  it('gives bit-identical weights and metrics to the synchronous gather with the same seed (image cache, augmentation on)', async () => {
    const queued = await trainOn(cache.samples, 'seed-cnn', [...shape], true);
    const reference = await trainOn(synchronous(cache.samples), 'seed-cnn', [...shape], true);
    expect(queued.epochs).toEqual(reference.epochs);
    expect(queued.weights).toEqual(reference.weights);
    expect(queued.epochs[queued.epochs.length - 1].valAccuracy).toBeDefined();
  }, 60_000);

  it('gives bit-identical weights to the synchronous gather on features on disk (the dense trainer, gathering into its own memory when synchronous)', async () => {
    const size = 24;
    const store = createFeatureStore(count, size, 0);
    store.write(0, Float32Array.from({ length: count * size }, (_, i) => ((i * 7919) % 101) / 101 + (i % size === labels[Math.floor(i / size)] ? 1 : 0)));
    const queued = await trainOn(store.samples(), 'mlp', [size], false);
    const reference = await trainOn(synchronous(store.samples()), 'mlp', [size], false);
    expect(queued.epochs).toEqual(reference.epochs);
    expect(queued.weights).toEqual(reference.weights);
    store.dispose();
  }, 60_000);
});
