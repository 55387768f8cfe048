// Data-parallel training (main/engine/data-parallel) on the same random data and settings as
// raw-fit.ts: the calling thread plus `workers` worker threads, one shard of every batch each.
// The replica entry is bundled here with esbuild (a dev dependency, as the benchmark is);
// the app's build is to emit it as dist/main/data-parallel-replica.js.
import * as tf from '@tensorflow/tfjs';
import path from 'node:path';
import { buildModel } from '../../../main/engine/models';
import type { ArchitectureName } from '../../../main/engine/spec';
import { shuffledIndices, createRng } from '../../../main/engine/rng';
import { createDataParallelTrainer } from '../../../main/engine/data-parallel/data-parallel-trainer';
import { randomSamples } from './random-datasets';

export async function buildReplica(root: string): Promise<string> {
  // Loaded at run time: esbuild's API cannot itself be bundled into this benchmark.
  const esbuildPackage = 'esbuild';
  const { build } = (await import(esbuildPackage)) as typeof import('esbuild');
  const outfile = path.join(root, 'dist', 'bench-support', 'data-parallel-replica.js');
  await build({
    entryPoints: [path.join(root, 'main/engine/data-parallel/replica.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['@tensorflow/*'],
    outfile,
    logLevel: 'error',
  });
  return outfile;
}

export async function dataParallelSamplesPerSec(
  replicaFile: string,
  workers: number,
  arch: ArchitectureName,
  inputShape: number[],
  samples: number,
  epochs: number,
  batchSize: number,
): Promise<number[]> {
  const { x, y } = randomSamples(inputShape, samples);
  const rng = createRng(8);
  const size = inputShape.reduce((a, b) => a * b, 1);
  const model = buildModel(arch, inputShape, 10, 42);
  const trainer = await createDataParallelTrainer(model, {
    workers,
    optimizer: { name: 'adam', learningRate: 1e-3 },
    inputShape,
    numClasses: 10,
    maxBatch: batchSize,
    backend: tf.getBackend() as 'wasm' | 'cpu',
    replicaFile,
  });
  const bx = new Float32Array(batchSize * size);
  const by = new Int32Array(batchSize);
  const rates: number[] = [];
  try {
    for (let e = 0; e < epochs; e++) {
      const start = performance.now();
      const order = shuffledIndices(samples, rng);
      for (let from = 0; from < samples; from += batchSize) {
        const n = Math.min(batchSize, samples - from);
        for (let i = 0; i < n; i++) {
          const row = order[from + i];
          bx.set(x.subarray(row * size, (row + 1) * size), i * size);
          by[i] = y[row];
        }
        trainer.step(bx, by, n);
      }
      rates.push((samples * 1000) / (performance.now() - start));
    }
  } finally {
    await trainer.close();
    model.dispose();
  }
  return rates;
}
