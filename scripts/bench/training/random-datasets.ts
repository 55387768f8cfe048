// Random datasets on disk in formats the engine loads from a spec, so the engine benchmark
// runs exactly as a user's experiment does: CIFAR-10 binary batches (32×32×3) for the CNNs,
// IDX files (28×28×1) for the MLP. Pixels and labels come from a seeded PRNG.
import fs from 'node:fs';
import path from 'node:path';
import { createRng } from '../../../main/engine/rng';
import type { DatasetSpec } from '@contract/spec';

export interface RandomDataset {
  spec: DatasetSpec;
  inputShape: number[];
  /** Training samples the engine will see per epoch (the test file is separate). */
  trainCount: number;
}

const TEST_COUNT = 256;

function randomBytes(count: number, seed: number, modulo = 256): Uint8Array {
  const rng = createRng(seed);
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++) out[i] = Math.floor(rng() * modulo);
  return out;
}

/** data_batch_1.bin and test_batch.bin of `count` and 256 random 32×32×3 records. */
export function writeRandomCifar(folder: string, count: number, seed: number): RandomDataset {
  fs.mkdirSync(folder, { recursive: true });
  const record = 1 + 3 * 32 * 32;
  const write = (file: string, n: number, s: number) => {
    const bytes = randomBytes(n * record, s);
    const labels = randomBytes(n, s + 1, 10);
    for (let r = 0; r < n; r++) bytes[r * record] = labels[r];
    fs.writeFileSync(path.join(folder, file), bytes);
  };
  write('data_batch_1.bin', count, seed);
  write('test_batch.bin', TEST_COUNT, seed + 2);
  return { spec: { kind: 'cifar10', path: folder }, inputShape: [32, 32, 3], trainCount: count };
}

/** IDX image and label files (train and test) of random 28×28 digits. */
export function writeRandomIdx(folder: string, count: number, seed: number): RandomDataset {
  fs.mkdirSync(folder, { recursive: true });
  const write = (prefix: string, n: number, s: number) => {
    const images = Buffer.alloc(16 + n * 784);
    images.writeUInt32BE(0x00000803, 0);
    images.writeUInt32BE(n, 4);
    images.writeUInt32BE(28, 8);
    images.writeUInt32BE(28, 12);
    images.set(randomBytes(n * 784, s), 16);
    const labels = Buffer.alloc(8 + n);
    labels.writeUInt32BE(0x00000801, 0);
    labels.writeUInt32BE(n, 4);
    labels.set(randomBytes(n, s + 1, 10), 8);
    fs.writeFileSync(path.join(folder, `${prefix}-images.idx`), images);
    fs.writeFileSync(path.join(folder, `${prefix}-labels.idx`), labels);
  };
  write('train', count, seed);
  write('test', TEST_COUNT, seed + 2);
  return {
    spec: {
      kind: 'idx',
      images: path.join(folder, 'train-images.idx'),
      labels: path.join(folder, 'train-labels.idx'),
      testImages: path.join(folder, 'test-images.idx'),
      testLabels: path.join(folder, 'test-labels.idx'),
    },
    inputShape: [28, 28, 1],
    trainCount: count,
  };
}

/**
 * The same kind of random data in memory, for the in-process baselines (raw model.fit and
 * the data-parallel trainer): pixels as bytes / 255 and 10 classes, from seed 7.
 */
export function randomSamples(inputShape: number[], samples: number): { x: Float32Array; y: Int32Array } {
  const rng = createRng(7);
  const size = inputShape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(samples * size);
  for (let i = 0; i < x.length; i++) x[i] = Math.floor(rng() * 256) / 255;
  const y = Int32Array.from({ length: samples }, () => Math.floor(rng() * 10));
  return { x, y };
}
