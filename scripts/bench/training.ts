// Training benchmark: samples/s of the engine as a user runs it (worker process, progress,
// store), of raw tfjs model.fit on the same backend, and of PyTorch on the CPU, side by side.
//   npm run bench -- training [--models seed-cnn,small-cnn,mlp] [--epochs 3] [--backend wasm]
//                             [--peak-gflops-per-core 240] [--workers N] [--out results.json]
// A fourth column trains in-process with main/engine/data-parallel: this thread plus
// --workers worker threads (default: cores − 1), the engine's multi-core path once integrated.
// Every variant trains on random data of the same shape with batch 64, Adam (lr 1e-3) and
// categorical cross-entropy; the first epoch is warm-up and excluded. PyTorch runs when a
// python that imports torch is found (`python3`, then `/usr/bin/python3`; on Debian:
// `apt-get install -y python3-torch libopenblas0-pthread` — without an optimised BLAS
// Debian's torch falls back to the reference BLAS for Linear layers).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { selectBackend, environmentInfo } from '../../main/engine/backend';
import { buildModel } from '../../main/engine/models';
import type { ArchitectureName } from '../../main/engine/spec';
import { writeRandomCifar, writeRandomIdx, type RandomDataset } from './training/random-datasets';
import { trainingFlopsPerSample } from './training/flops';
import { rawFitSamplesPerSec } from './training/raw-fit';
import { engineSamplesPerSec } from './training/engine-run';
import { findPythonWithTorch, runPytorch } from './training/pytorch-reference';
import { buildReplica, dataParallelSamplesPerSec } from './training/data-parallel-fit';
import { argValue } from './shared/bench-args';

const BATCH = 64;
/** Samples per epoch: enough for a few seconds per epoch at current speeds. */
const SAMPLES: Record<ArchitectureName, number> = { 'seed-cnn': 2048, 'small-cnn': 1024, mlp: 16384 };

const models = (argValue('--models') ?? 'seed-cnn,small-cnn,mlp').split(',') as ArchitectureName[];
const epochs = Number(argValue('--epochs') ?? 3);
const backend = (argValue('--backend') ?? 'wasm') as 'wasm' | 'cpu';
const peakPerCore = Number(argValue('--peak-gflops-per-core') ?? 240);
const outFile = argValue('--out');
const workers = Number(argValue('--workers') ?? Math.max(0, os.cpus().length - 1));
for (const m of models) {
  if (!(m in SAMPLES)) {
    console.error(`--models: unknown model '${m}'; expected seed-cnn, small-cnn or mlp`);
    process.exit(2);
  }
}
if (!(Number.isInteger(epochs) && epochs >= 2)) {
  console.error(`--epochs: expected a whole number ≥ 2 (the first epoch is warm-up), got ${argValue('--epochs')}`);
  process.exit(2);
}
if (backend !== 'wasm' && backend !== 'cpu') {
  console.error(`--backend: expected wasm or cpu, got ${backend}`);
  process.exit(2);
}

export interface TrainingBenchEntry {
  model: ArchitectureName;
  backend: string;
  engineSamplesPerSec: number;
  rawSamplesPerSec: number;
  pytorchSamplesPerSec: number | null;
  engineOverRaw: number;
  engineOverPytorch: number | null;
  /** The engine's training GFLOP/s (Conv2D and Dense products only). */
  gflops: number;
  /** gflops over the machine's float32 peak (all cores). */
  peakShare: number;
  trainingFlopsPerSample: number;
  pytorchThreads: number | null;
  /** In-process data-parallel training over 1 + workers threads (not yet the engine's path). */
  dataParallelSamplesPerSec: number;
  dataParallelReplicas: number;
  dataParallelOverRaw: number;
  dataParallelOverPytorch: number | null;
  epochSamplesPerSec: { engine: number[]; raw: number[]; dataParallel: number[] };
}

const afterWarmUp = (rates: number[]) => {
  const rest = rates.slice(1);
  return rest.reduce((a, b) => a + b, 0) / rest.length;
};

async function benchModel(model: ArchitectureName, dataset: RandomDataset, root: string, replicaFile: string): Promise<TrainingBenchEntry> {
  const engine = await engineSamplesPerSec(model, dataset.spec, epochs, BATCH, backend);
  const raw = await rawFitSamplesPerSec(model, dataset.inputShape, dataset.trainCount, epochs, BATCH);
  const parallel = await dataParallelSamplesPerSec(replicaFile, workers, model, dataset.inputShape, dataset.trainCount, epochs, BATCH);
  const pytorch = runPytorch(root, model, dataset.trainCount, epochs, BATCH);
  const flops = trainingFlopsPerSample(buildModel(model, dataset.inputShape, 10, 42));
  const engineRate = afterWarmUp(engine);
  const rawRate = afterWarmUp(raw);
  const gflops = (engineRate * flops) / 1e9;
  return {
    model,
    backend,
    engineSamplesPerSec: engineRate,
    rawSamplesPerSec: rawRate,
    pytorchSamplesPerSec: pytorch?.samplesPerSec ?? null,
    engineOverRaw: engineRate / rawRate,
    engineOverPytorch: pytorch ? engineRate / pytorch.samplesPerSec : null,
    gflops,
    peakShare: gflops / (peakPerCore * os.cpus().length),
    trainingFlopsPerSample: flops,
    pytorchThreads: pytorch?.threads ?? null,
    dataParallelSamplesPerSec: afterWarmUp(parallel),
    dataParallelReplicas: workers + 1,
    dataParallelOverRaw: afterWarmUp(parallel) / rawRate,
    dataParallelOverPytorch: pytorch ? afterWarmUp(parallel) / pytorch.samplesPerSec : null,
    epochSamplesPerSec: { engine, raw, dataParallel: parallel },
  };
}

async function main(): Promise<void> {
  const root = process.cwd();
  const env = environmentInfo();
  await selectBackend(backend);
  const python = findPythonWithTorch();
  console.log(`${env.cpu} x${env.cpuCount}, Node ${env.nodeVersion}, tfjs ${env.tfjsVersion}, backend ${backend}; ` +
    `batch ${BATCH}, Adam, ${epochs} epochs (first excluded); peak ${peakPerCore} GFLOP/s per core; ` +
    `PyTorch: ${python ?? 'not found (apt-get install -y python3-torch libopenblas0-pthread)'}`);
  if (!fs.existsSync(path.join(root, 'dist', 'main', 'worker.js'))) throw new Error('dist/main/worker.js is missing: run `npm run build:main` (npm run bench does)');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'transfer-lab-bench-data-'));
  const entries: TrainingBenchEntry[] = [];
  const replicaFile = await buildReplica(root);
  try {
    for (const model of models) {
      const folder = path.join(dataDir, model);
      const dataset = model === 'mlp' ? writeRandomIdx(folder, SAMPLES[model], 1) : writeRandomCifar(folder, SAMPLES[model], 1);
      entries.push(await benchModel(model, dataset, root, replicaFile));
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const fixed = (v: number | null, digits = 0) => (v === null ? '—' : Number(v.toFixed(digits)));
  console.table(entries.map((e) => ({
    model: e.model,
    'engine samples/s': fixed(e.engineSamplesPerSec),
    'raw fit samples/s': fixed(e.rawSamplesPerSec),
    'PyTorch samples/s': fixed(e.pytorchSamplesPerSec),
    [`data-parallel ×${e.dataParallelReplicas} samples/s`]: fixed(e.dataParallelSamplesPerSec),
    'engine/raw': fixed(e.engineOverRaw, 3),
    'engine/PyTorch': fixed(e.engineOverPytorch, 3),
    'data-parallel/PyTorch': fixed(e.dataParallelOverPytorch, 3),
    'GFLOP/s': fixed(e.gflops, 2),
    'peak share': `${(e.peakShare * 100).toFixed(2)} %`,
  })));
  if (outFile) fs.writeFileSync(outFile, JSON.stringify({ environment: env, epochs, batchSize: BATCH, peakGflopsPerCore: peakPerCore, results: entries }, null, 2));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
