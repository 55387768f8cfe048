// The frozen prefix's feature pass overlapped with decoding (overlapped-features.ts), on real
// parts: folders of generated JPEGs decoded by sharp into a real image cache, seed-cnn's prefix
// on the real predict pool with 2 threads. Its features equal the sequential pass's (after
// the cache is complete); it provably starts before the last image is written (the last
// decode waits for the pass's first chunk, so a pass that waited for decoding would hang);
// a cancel stops both and leaves no cache; a warm cache starts no pass.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../main/engine/accel/backend';
import { buildModel, resolveFrozenLayers, splitAtLayer } from '../../../main/engine/model';
import { planFeatureCache } from '../../../main/engine/training/feature-cache';
import { splitValidation } from '../../../main/engine/training/train';
import { loadDataset, type BuildingDataset, type Dataset } from '../../../main/engine/data/datasets';
import { CancelledError, imageCacheFolder, openImageCache, type BuildingRows, type CachedImage } from '../../../main/engine/data/datasets/image-cache';
import { decodeImageFile } from '../../../main/engine/data/datasets/folder';
import { pickSamples, samplesToArray, type Samples } from '../../../main/engine/data/datasets/samples';
import { streamFrozenFeatures } from '../../../main/training/phase-inference';
import { overlapWhileDecoding, startOverlappedFeatures, type OverlappedFeatures } from '../../../main/training/overlapped-features';
import { makeTempDir } from '../../fixtures/dataset-files';

const root = path.resolve(__dirname, '../../..');
// Built into dist/ by the test setup (tests/global-setup.ts), as users run it.
const threadFile = path.join(root, 'dist', 'main', 'predict-thread.js');
const temp = makeTempDir('transfer-lab-overlap-');
const shape: [number, number, number] = [24, 24, 3];
const IMAGES = 160;
// overlap: true — on a machine with few cores a run would decode first (overlap-policy.ts).
const settings = (isCancelled = () => false) => ({ inputShape: [...shape], threads: 2, isCancelled, threadFile, batchSize: 8, overlap: true });

let photos: string;
let images: CachedImage[];

/** A JPEG whose colours follow i, in class folder a or b. */
async function writeJpeg(file: string, i: number): Promise<void> {
  const raw = Buffer.alloc(32 * 32 * 3);
  for (let p = 0; p < raw.length; p++) raw[p] = (i * 29 + p * (1 + (i % 7))) % 256;
  await sharp(raw, { raw: { width: 32, height: 32, channels: 3 } }).jpeg({ quality: 90 }).toFile(file);
}

beforeAll(async () => {
  await selectBackend('wasm');
  photos = path.join(temp.dir, 'photos');
  images = [];
  for (const name of ['a', 'b']) fs.mkdirSync(path.join(photos, name), { recursive: true });
  for (let i = 0; i < IMAGES; i++) {
    const id = `${i % 2 ? 'a' : 'b'}/${String(i).padStart(3, '0')}.jpg`;
    await writeJpeg(path.join(photos, id), i);
    images.push({ file: path.join(photos, id), id });
  }
  // Not a JPEG: decodes to a zero row and is listed as failed, as without the overlap.
  fs.writeFileSync(path.join(photos, 'a', 'broken.jpg'), 'this is not a jpeg');
}, 120_000);
afterAll(() => temp.remove());

/** seed-cnn, 2 classes, frozen through pool1 and cut there (as the phase plans it). */
function frozenModel() {
  const model = buildModel('seed-cnn', shape, 2, 7);
  const frozenLayers = resolveFrozenLayers(model, { through: 'pool1' });
  const plan = planFeatureCache(model, frozenLayers, { augmentationOn: false, trainCount: IMAGES, validationCount: 0 });
  if (!plan.cached) throw new Error(`no feature cache: ${plan.note}`);
  return { model, frozenLayers, plan, split: splitAtLayer(model, plan.cutLayer) };
}

/** The sequential pass: the prefix over complete data, as the phase runs it without an overlap. */
async function sequential(setup: ReturnType<typeof frozenModel>, data: { train: { x: Samples; y: Int32Array; ids: string[] }; validation?: { x: Samples; y: Int32Array; ids: string[] } }) {
  const cached = await streamFrozenFeatures(setup.split, setup.plan.featureShape, data, [...shape], 2, () => false);
  try {
    return { train: samplesToArray(cached.train.x), validation: cached.validation && samplesToArray(cached.validation.x) };
  } finally {
    cached.dispose();
  }
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

const labels = (n: number) => Int32Array.from({ length: n }, (_, k) => k % 2);
const ids = (n: number) => Array.from({ length: n }, (_, k) => `row ${k}`);

describe('feature pass overlapped with decoding', () => {
  it('starts before the last image is written, and gives the sequential features, rows it did not cover included', async () => {
    const setup = frozenModel();
    const cacheFolder = path.join(temp.dir, 'data-gated');
    let overlapped: OverlappedFeatures | null = null;
    let releaseLast!: () => void;
    const firstChunkStarted = new Promise<void>((resolve) => (releaseLast = resolve));
    // Rows of the training split the pass covers: every even row, in a shuffled order.
    const covered = Array.from({ length: IMAGES / 2 }, (_, k) => 2 * k).reverse();
    const cache = await openImageCache({
      root: photos,
      images,
      shape,
      cacheFolder,
      concurrency: 4,
      // The last image waits until the pass has started a chunk: without the overlap this never finishes.
      decode: async (file, s) => {
        if (file === images[IMAGES - 1].file) await firstChunkStarted;
        return decodeImageFile(file, s);
      },
      onBuilding: (rows: BuildingRows) => {
        const dataset = { train: { x: pickSamples(rows.samples, covered), y: labels(covered.length), ids: ids(covered.length) } } as unknown as Dataset;
        overlapped = startOverlappedFeatures({ dataset, rows } satisfies BuildingDataset, setup.model, setup.plan.cutLayer, {
          ...settings(),
          // Tell the gated decode as soon as the first chunk is under way.
          isCancelled: () => {
            if (overlapped && overlapped.chunks.length > 0) releaseLast();
            return false;
          },
        });
      },
    });
    expect(cache.built).toBe(true);
    const pass = overlapped as OverlappedFeatures | null;
    if (!pass) throw new Error('no overlapped pass started');
    try {
      expect(pass.threads).toBe(2);
      expect(pass.chunks[0].decoded).toBeLessThan(IMAGES);
      expect(pass.chunks[0].total).toBe(IMAGES);
      // Each chunk ran only over rows already written.
      for (const chunk of pass.chunks) expect(chunk.last).toBeLessThan(chunk.decoded);
      // The split the loaded data ends up with: covered rows and a few the pass did not cover, shuffled.
      const final = [5, ...covered.slice(10), 11, 0, 150, 3];
      const train = { x: pickSamples(cache.samples, final), y: labels(final.length), ids: ids(final.length) };
      const features = await pass.features(train);
      if (!features) throw new Error('the pass did not serve rows of its own cache');
      const expected = await sequential(setup, { train });
      expect(maxDifference(samplesToArray(features.x), expected.train)).toBeLessThanOrEqual(1e-6);
      expect(features.y).toBe(train.y);
      expect(pass.filledIn).toBe(3);
      // Samples that are not rows of this cache are not served.
      expect(await pass.features({ x: { count: 1, size: cache.samples.size, read: () => {} }, y: labels(1), ids: ids(1) })).toBeNull();
    } finally {
      await pass.dispose();
    }
  }, 120_000);

  it('through loadDataset on a cold folder: train and validation features equal the sequential ones; a warm cache starts no pass', async () => {
    const setup = frozenModel();
    const dataFolder = path.join(temp.dir, 'data-load');
    const spec = { kind: 'folder' as const, path: photos, imageSize: [shape[0], shape[1]] as [number, number], channels: 3 as const, testSplit: 0.25 };
    const overlap = overlapWhileDecoding(() => ({ model: setup.model, frozenLayers: setup.frozenLayers, augmentationOn: false }), settings());
    const cold = await loadDataset(spec, { seed: 4, dataFolder, onBuildingDataset: overlap.onBuildingDataset });
    const pass = overlap.started();
    if (!pass) throw new Error('no overlapped pass started on a cold cache');
    pass.loadFinished();
    // The broken file is dropped and reported, as without the overlap.
    expect(cold.warnings.join('\n')).toMatch(/skipped 1 image \(a\/broken\.jpg: .+\) that could not be decoded/);
    const { train, validation } = splitValidation(cold.train, 0.2, 4, [...shape]);
    const withOverlap = await streamFrozenFeatures(setup.split, setup.plan.featureShape, { train, validation }, [...shape], 2, () => false, pass);
    try {
      expect(withOverlap.threads).toBe(2);
      expect(pass.duringLoadMs()).toBeGreaterThan(0);
      // The pass covered the split as it loads if every image decodes; the broken image
      // shifted the test split, so some rows were computed afterwards, most came from the pass.
      const coveredRows = pass.chunks.reduce((n, c) => n + c.rows, 0);
      expect(coveredRows).toBeGreaterThan(0);
      expect(pass.filledIn).toBeGreaterThan(0);
      expect(pass.filledIn).toBeLessThan((train.y.length + validation!.y.length) / 2);

      const warmOverlap = overlapWhileDecoding(() => ({ model: setup.model, frozenLayers: setup.frozenLayers, augmentationOn: false }), settings());
      const warm = await loadDataset(spec, { seed: 4, dataFolder, onBuildingDataset: warmOverlap.onBuildingDataset });
      expect(warmOverlap.started()).toBeUndefined();
      expect(warm.train.ids).toEqual(cold.train.ids);
      const warmSplits = splitValidation(warm.train, 0.2, 4, [...shape]);
      const expected = await sequential(setup, warmSplits);
      expect(maxDifference(samplesToArray(withOverlap.train.x), expected.train)).toBeLessThanOrEqual(1e-6);
      expect(maxDifference(samplesToArray(withOverlap.validation!.x), expected.validation!)).toBeLessThanOrEqual(1e-6);
    } finally {
      withOverlap.dispose();
    }
  }, 120_000);

  it('a cancel during the overlapped pass stops decoding and the pass, and leaves no cache file', async () => {
    const setup = frozenModel();
    const cacheFolder = path.join(temp.dir, 'data-cancel');
    let overlapped: OverlappedFeatures | null = null;
    let cancelled = false;
    let decodedAfterCancel = 0;
    let split: { x: Samples; y: Int32Array; ids: string[] } | undefined;
    const building = openImageCache({
      root: photos,
      images,
      shape,
      cacheFolder,
      concurrency: 2,
      isCancelled: () => cancelled,
      // Slow enough that decoding is far from done when the pass starts its first chunk.
      decode: async (file, s) => {
        if (cancelled) decodedAfterCancel++;
        await new Promise((r) => setTimeout(r, 15));
        return decodeImageFile(file, s);
      },
      onBuilding: (rows) => {
        split = { x: pickSamples(rows.samples, Array.from({ length: IMAGES }, (_, k) => k)), y: labels(IMAGES), ids: ids(IMAGES) };
        const dataset = { train: split } as unknown as Dataset;
        overlapped = startOverlappedFeatures({ dataset, rows }, setup.model, setup.plan.cutLayer, {
          ...settings(),
          isCancelled: () => {
            // The user cancels once the pass is computing.
            if (overlapped && overlapped.chunks.length > 0) cancelled = true;
            return cancelled;
          },
        });
      },
    });
    await expect(building).rejects.toBeInstanceOf(CancelledError);
    const pass = overlapped as OverlappedFeatures | null;
    if (!pass || !split) throw new Error('no overlapped pass started');
    expect(pass.chunks.length).toBe(1);
    expect(pass.chunks[0].decoded).toBeLessThan(IMAGES);
    // Decoders stop at their next image; the pass rejects with the cancel.
    expect(decodedAfterCancel).toBeLessThanOrEqual(2);
    await expect(pass.features(split)).rejects.toBeInstanceOf(CancelledError);
    await pass.dispose();
    expect(fs.readdirSync(imageCacheFolder(cacheFolder))).toEqual([]);
  }, 120_000);

  it('a pass released before it is used stops, and the build goes on to a complete cache', async () => {
    const setup = frozenModel();
    const cacheFolder = path.join(temp.dir, 'data-release');
    let overlapped: OverlappedFeatures | null = null;
    let split: { x: Samples; y: Int32Array; ids: string[] } | undefined;
    let released: Promise<void> | undefined;
    const cache = await openImageCache({
      root: photos,
      images,
      shape,
      cacheFolder,
      concurrency: 2,
      decode: async (file, s) => {
        // Released (say, the load failed or the phase cut elsewhere) once its first chunk runs.
        if (overlapped && overlapped.chunks.length > 0) released ??= overlapped.dispose();
        await new Promise((r) => setTimeout(r, 10));
        return decodeImageFile(file, s);
      },
      onBuilding: (rows) => {
        split = { x: pickSamples(rows.samples, Array.from({ length: IMAGES }, (_, k) => k)), y: labels(IMAGES), ids: ids(IMAGES) };
        overlapped = startOverlappedFeatures({ dataset: { train: split } as unknown as Dataset, rows }, setup.model, setup.plan.cutLayer, settings());
      },
    });
    expect(cache.built).toBe(true);
    expect(cache.samples.count).toBe(IMAGES);
    const pass = overlapped as OverlappedFeatures | null;
    if (!pass || !split || !released) throw new Error('the pass did not start or was not released');
    await released;
    // The pass stopped within its first chunks (64 rows each at 2 threads × 4 batches of 8), not at the end.
    expect(pass.chunks.length).toBeLessThanOrEqual(2);
    expect(pass.chunks.at(-1)!.last).toBeLessThan(IMAGES - 1);
    await expect(pass.features(split)).rejects.toBeInstanceOf(CancelledError);
  }, 60_000);
});
