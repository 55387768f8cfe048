// What reading batches ahead buys when training reads from disk (data/batch-queue.ts), side
// by side in one run:
//   npm run bench -- prefetch [--images 256] [--features 2000] [--repeats 2] [--cases images,features] [--dir /tmp/…] [--out results.json]
// 1. From-scratch training (small-cnn, batch 32, one thread) over the image cache of a folder
//    of 224 × 224 JPEGs (scripts/bench/pipeline/photo-folders.ts): an epoch with the
//    synchronous gather (the samples without their asynchronous read) against the queue.
// 2. A new head (Flatten → Dense on 7 × 7 × 256 features, the dense trainer) over frozen
//    features in a file (the feature store of a cut before pooling), the same two ways.
// Each is timed warm (the file in the page cache) and cold (its pages dropped before each
// epoch with `dd iflag=nocache count=0`, which needs no root), with the time one epoch's
// reads take alone and its compute alone (the same batches from memory), so the ratio can be
// read against the ideal: the synchronous loop takes about read + compute, the queue about
// max(read, compute) (where reading happens in the thread pool: the conversion of image bytes
// to floats stays on this thread).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../main/engine/accel/backend';
import { loadDataset } from '../../main/engine/data/datasets';
import type { Split } from '../../main/engine/data/datasets/dataset';
import { createFeatureStore } from '../../main/engine/data/datasets/feature-store';
import { imageCacheFile } from '../../main/engine/data/datasets/image-cache';
import { floatSamples, gatherRows, samplesToArray, type Samples } from '../../main/engine/data/datasets/samples';
import { buildModel } from '../../main/engine/model';
import { createRng, shuffledIndices } from '../../main/engine/rng';
import { trainModel } from '../../main/engine/training/train';
import { argValue } from './shared/bench-args';
import { makePhotoFolder } from './pipeline/photo-folders';

const images = Number(argValue('--images') ?? 256);
const featureRows = Number(argValue('--features') ?? 2000);
const repeats = Number(argValue('--repeats') ?? 2);
const dir = argValue('--dir') ?? path.join(os.tmpdir(), 'transfer-lab-bench-prefetch');
const outFile = argValue('--out');
const batchSize = 32;
const cases = (argValue('--cases') ?? 'images,features').split(',');

/** The same samples without their asynchronous read: the synchronous gather of before. */
const synchronous = (s: Samples): Samples => ({ count: s.count, size: s.size, read: s.read.bind(s) });

/** Drops a file's pages from the page cache (posix_fadvise DONTNEED through dd), so its next reads go to the disk. */
function dropFromPageCache(file: string): void {
  const r = spawnSync('dd', [`if=${file}`, 'iflag=nocache', 'count=0', 'status=none']);
  if (r.status !== 0) throw new Error(`dd could not drop ${file} from the page cache: ${r.stderr}`);
}

/** One epoch's batches read alone, synchronously, in a seeded shuffle (as an epoch reads them). */
function readEpoch(x: Samples): number {
  const order = shuffledIndices(x.count, createRng(1));
  const buffer = new Float32Array(batchSize * x.size);
  const started = performance.now();
  for (let from = 0; from < x.count; from += batchSize) gatherRows(x, order, from, Math.min(x.count, from + batchSize), buffer);
  return performance.now() - started;
}

async function trainEpoch(makeModel: () => tf.LayersModel, split: Split, inputShape: number[], numClasses: number): Promise<number> {
  const model = makeModel();
  const started = performance.now();
  await trainModel(model, { train: split }, { epochs: 1, batchSize, optimizer: 'adam', learningRate: 0.001, validationSplit: 0 }, { seed: 1, inputShape, numClasses, threads: 1 });
  const ms = performance.now() - started;
  model.dispose();
  return ms;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

interface Figure {
  case: string;
  cache: 'warm' | 'cold';
  readMs: number;
  computeMs: number;
  syncMs: number;
  queueMs: number;
  /** syncMs / queueMs: above 1, the queue is faster. */
  speedup: number;
}

/** Times read alone, compute alone, the synchronous loop and the queue, warm and cold; medians of `repeats`, interleaved. */
async function compare(name: string, file: string, split: Split, inputShape: number[], numClasses: number, makeModel: () => tf.LayersModel): Promise<Figure[]> {
  const inMemory: Split = { ...split, x: floatSamples(samplesToArray(split.x), split.x.size) };
  const sync: Split = { ...split, x: synchronous(split.x) };
  // One untimed epoch of each first: JIT, wasm and the kernels' first calls are not what is measured.
  readEpoch(split.x);
  for (const warmUp of [inMemory, sync, split]) await trainEpoch(makeModel, warmUp, inputShape, numClasses);
  const computes: number[] = [];
  for (let r = 0; r < repeats; r++) computes.push(await trainEpoch(makeModel, inMemory, inputShape, numClasses));
  const computeMs = median(computes);
  const figures: Figure[] = [];
  for (const cache of ['warm', 'cold'] as const) {
    const prepare = () => (cache === 'cold' ? dropFromPageCache(file) : readEpoch(split.x));
    const reads: number[] = [];
    const syncs: number[] = [];
    const queued: number[] = [];
    for (let r = 0; r < repeats; r++) {
      prepare();
      reads.push(readEpoch(split.x));
      prepare();
      syncs.push(await trainEpoch(makeModel, sync, inputShape, numClasses));
      prepare();
      queued.push(await trainEpoch(makeModel, split, inputShape, numClasses));
    }
    const figure: Figure = { case: name, cache, readMs: median(reads), computeMs, syncMs: median(syncs), queueMs: median(queued), speedup: median(syncs) / median(queued) };
    figures.push(figure);
    console.log(
      `${name.padEnd(34)} ${cache.padEnd(5)} read alone ${figure.readMs.toFixed(0).padStart(6)} ms  compute alone ${computeMs.toFixed(0).padStart(6)} ms  ` +
        `sync gather ${figure.syncMs.toFixed(0).padStart(6)} ms  queue ${figure.queueMs.toFixed(0).padStart(6)} ms  sync/queue ${figure.speedup.toFixed(2)}×`,
    );
  }
  return figures;
}

async function main(): Promise<void> {
  await selectBackend('wasm');
  fs.mkdirSync(dir, { recursive: true });
  console.log(`prefetch bench: ${os.cpus().length} cores (${os.cpus()[0]?.model}); load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; one epoch each, medians of ${repeats}`);
  const figures: Figure[] = [];

  if (cases.includes('images')) await imagesCase(figures);
  if (cases.includes('features')) await featuresCase(figures);
  if (outFile) fs.writeFileSync(outFile, JSON.stringify({ cores: os.cpus().length, loadAverage: os.loadavg(), figures }, null, 2));
}

/** 1. From scratch over the image cache of 224 × 224 photos. */
async function imagesCase(figures: Figure[]): Promise<void> {
  const folder = path.join(dir, `photos-${images}`);
  await makePhotoFolder(folder, images);
  const dataFolder = path.join(dir, 'data');
  const ds = await loadDataset({ kind: 'folder', path: folder, imageSize: [224, 224], channels: 3 }, { seed: 1, dataFolder });
  const cacheFile = imageCacheFile(dataFolder, folder, [224, 224, 3]);
  const classes = ds.classNames.length;
  figures.push(...(await compare(`small-cnn, ${ds.train.y.length} images 224×224`, cacheFile, ds.train, ds.inputShape, classes, () => buildModel('small-cnn', ds.inputShape, classes, 1))));

}

/** 2. A new head over frozen features on disk (a cut before pooling: 7 × 7 × 256 per image). */
async function featuresCase(figures: Figure[]): Promise<void> {
  const featureShape = [7, 7, 256];
  const size = featureShape.reduce((a, b) => a * b, 1);
  const store = createFeatureStore(featureRows, size, 0);
  const rng = createRng(3);
  const labels = Int32Array.from({ length: featureRows }, (_, i) => i % 5);
  for (let start = 0; start < featureRows; start += 100) {
    const n = Math.min(100, featureRows - start);
    store.write(start, Float32Array.from({ length: n * size }, () => rng()));
  }
  const features: Split = { x: store.samples(), y: labels, ids: [] };
  const head = () => tf.sequential({ layers: [tf.layers.flatten({ inputShape: featureShape }), tf.layers.dense({ units: 5, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) })] });
  // The store's file is unlinked once open: dd reaches it through this process's descriptor.
  const fdFile = fs.readdirSync(`/proc/${process.pid}/fd`).map((fd) => `/proc/${process.pid}/fd/${fd}`).find((link) => {
    try {
      return fs.readlinkSync(link).includes('transfer-lab-features-');
    } catch {
      return false;
    }
  });
  if (!fdFile) throw new Error('the feature file is not open');
  figures.push(...(await compare(`dense head, ${featureRows} × 7×7×256 features`, fdFile, features, featureShape, 5, head)));
  store.dispose();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
