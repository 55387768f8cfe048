// Training benchmark: samples/s of the engine as a user runs it (worker process, progress,
// store), of raw tfjs model.fit on the same backend, and of PyTorch on the CPU, side by side.
//   npm run bench -- training [--models seed-cnn,small-cnn,mlp] [--epochs 3] [--rounds 3]
//                             [--backend wasm] [--peak-gflops-per-core 240] [--out results.json]
//                             [--samples-scale 1] [--threads 1,2,4,8,16]
// Every variant trains on random data of the same shape with batch 64, Adam (lr 1e-3) and
// categorical cross-entropy; the first epoch is warm-up and excluded. PyTorch runs when a
// python that imports torch is found (`python3`, then `/usr/bin/python3`; on Debian:
// `apt-get install -y python3-torch libopenblas0-pthread` — without an optimised BLAS
// Debian's torch falls back to the reference BLAS for Linear layers), with its default
// thread count, as its users run it.
//
// Why rounds: on a shared machine the same code moves by ±25 % between runs (PyTorch's MLP
// measured anywhere from 43k to 74k samples/s here). Each round runs the engine on every core,
// the engine on one thread and PyTorch back to back, and the ratios are taken within a round,
// so they compare runs that saw the same load; the table shows medians over the rounds.
//
// --threads N,M,… asks instead how training scales with threads: each round runs the engine
// and PyTorch at every count given (training/thread-scaling.ts); the raw model.fit baseline
// is skipped. --samples-scale multiplies every model's samples per epoch (0.1 for a smoke
// run, 4 for a machine where an epoch of the defaults takes well under a second).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { selectBackend, environmentInfo } from '../../main/engine/accel/backend';
import { buildModel } from '../../main/engine/model';
import type { ArchitectureName } from '@contract/spec';
import { trainingThreads } from '../../main/training/training-threads';
import { writeRandomCifar, writeRandomIdx, type RandomDataset } from './training/random-datasets';
import { trainingFlopsPerSample } from './training/flops';
import { rawFitSamplesPerSec } from './training/raw-fit';
import { engineSamplesPerSec } from './training/engine-run';
import { findPythonWithTorch, runPytorch } from './training/pytorch-reference';
import { median, parseThreadList, threadScaling, type ThreadScalingRow } from './training/thread-scaling';
import { argValue } from './shared/bench-args';

const BATCH = 64;
/** Samples per epoch: enough for a second or more per epoch at current speeds. */
const SAMPLES: Record<ArchitectureName, number> = { 'seed-cnn': 2048, 'small-cnn': 1024, mlp: 32768 };

const models = (argValue('--models') ?? 'seed-cnn,small-cnn,mlp').split(',') as ArchitectureName[];
const epochs = Number(argValue('--epochs') ?? 3);
const rounds = Number(argValue('--rounds') ?? 3);
const backend = (argValue('--backend') ?? 'wasm') as 'wasm' | 'cpu';
const peakPerCore = Number(argValue('--peak-gflops-per-core') ?? 240);
const outFile = argValue('--out');
const samplesScale = Number(argValue('--samples-scale') ?? 1);
const threadList = argValue('--threads');
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
if (!(Number.isInteger(rounds) && rounds >= 1)) {
  console.error(`--rounds: expected a whole number ≥ 1, got ${argValue('--rounds')}`);
  process.exit(2);
}
if (backend !== 'wasm' && backend !== 'cpu') {
  console.error(`--backend: expected wasm or cpu, got ${backend}`);
  process.exit(2);
}
if (!(Number.isFinite(samplesScale) && samplesScale > 0)) {
  console.error(`--samples-scale: expected a number > 0, got ${argValue('--samples-scale')}`);
  process.exit(2);
}
let threads: number[] | undefined;
try {
  threads = threadList === undefined ? undefined : parseThreadList(threadList);
} catch (err) {
  console.error((err as Error).message);
  process.exit(2);
}

/** Samples per epoch of `model`: the default scaled, whole batches, at least one. */
const samplesOf = (model: ArchitectureName) => Math.max(BATCH, Math.round((SAMPLES[model] * samplesScale) / BATCH) * BATCH);

/** One round: the engine on all threads, on one thread, and PyTorch, back to back. */
export interface TrainingBenchRound {
  engine: number;
  engineOneThread: number;
  pytorch: number | null;
}

export interface TrainingBenchEntry {
  model: ArchitectureName;
  backend: string;
  /** Medians over the rounds. */
  engineSamplesPerSec: number;
  rawSamplesPerSec: number;
  pytorchSamplesPerSec: number | null;
  engineOverRaw: number;
  /** Median of the rounds' engine/PyTorch ratios. */
  engineOverPytorch: number | null;
  /** The engine's training GFLOP/s (Conv2D and Dense products only). */
  gflops: number;
  /** gflops over the machine's float32 peak (all cores). */
  peakShare: number;
  trainingFlopsPerSample: number;
  pytorchThreads: number | null;
  /** Threads the engine trained with by default, and its speed on one. */
  engineThreads: number;
  engineOneThreadSamplesPerSec: number;
  /** Median of the rounds' engine (all threads) / engine (one thread). */
  threadScaling: number;
  rounds: TrainingBenchRound[];
}

const afterWarmUp = (rates: number[]) => {
  const rest = rates.slice(1);
  return rest.reduce((a, b) => a + b, 0) / rest.length;
};

async function engineWithThreads(model: ArchitectureName, dataset: RandomDataset, threads: number | undefined): Promise<{ rate: number; epochs: number[] }> {
  const saved = process.env.TRANSFER_LAB_TRAINING_THREADS;
  if (threads === undefined) delete process.env.TRANSFER_LAB_TRAINING_THREADS;
  else process.env.TRANSFER_LAB_TRAINING_THREADS = String(threads);
  try {
    const perEpoch = await engineSamplesPerSec(model, dataset.spec, epochs, BATCH, backend);
    return { rate: afterWarmUp(perEpoch), epochs: perEpoch };
  } finally {
    if (saved === undefined) delete process.env.TRANSFER_LAB_TRAINING_THREADS;
    else process.env.TRANSFER_LAB_TRAINING_THREADS = saved;
  }
}

async function benchModel(model: ArchitectureName, dataset: RandomDataset, root: string): Promise<TrainingBenchEntry> {
  const raw = afterWarmUp(await rawFitSamplesPerSec(model, dataset.inputShape, dataset.trainCount, epochs, BATCH));
  const measured: TrainingBenchRound[] = [];
  let pytorchThreads: number | null = null;
  for (let r = 0; r < rounds; r++) {
    const all = await engineWithThreads(model, dataset, undefined);
    const one = await engineWithThreads(model, dataset, 1);
    const pytorch = runPytorch(root, model, dataset.trainCount, epochs, BATCH);
    pytorchThreads = pytorch?.threads ?? null;
    measured.push({ engine: all.rate, engineOneThread: one.rate, pytorch: pytorch?.samplesPerSec ?? null });
    const epochsOf = (rates: number[]) => rates.map((x) => x.toFixed(0)).join('/');
    console.log(`  ${model} round ${r + 1}/${rounds} (samples/s per epoch): engine ${epochsOf(all.epochs)}, engine on 1 thread ${epochsOf(one.epochs)}, ` +
      `PyTorch ${pytorch ? epochsOf(pytorch.epochSamplesPerSec) : '—'}`);
  }
  const flops = trainingFlopsPerSample(buildModel(model, dataset.inputShape, 10, 42));
  const engineRate = median(measured.map((m) => m.engine));
  const pytorchRates = measured.map((m) => m.pytorch).filter((p): p is number => p !== null);
  const gflops = (engineRate * flops) / 1e9;
  return {
    model,
    backend,
    engineSamplesPerSec: engineRate,
    rawSamplesPerSec: raw,
    pytorchSamplesPerSec: pytorchRates.length ? median(pytorchRates) : null,
    engineOverRaw: engineRate / raw,
    engineOverPytorch: pytorchRates.length ? median(measured.map((m) => m.engine / m.pytorch!)) : null,
    gflops,
    peakShare: gflops / (peakPerCore * os.cpus().length),
    trainingFlopsPerSample: flops,
    pytorchThreads,
    engineThreads: trainingThreads({}),
    engineOneThreadSamplesPerSec: median(measured.map((m) => m.engineOneThread)),
    threadScaling: median(measured.map((m) => m.engine / m.engineOneThread)),
    rounds: measured,
  };
}

async function main(): Promise<void> {
  const root = process.cwd();
  const env = environmentInfo();
  await selectBackend(backend);
  const python = findPythonWithTorch();
  console.log(`${env.cpu} x${env.cpuCount}, Node ${env.nodeVersion}, tfjs ${env.tfjsVersion}, backend ${backend}; ` +
    `batch ${BATCH}, Adam, ${epochs} epochs (first excluded), ${rounds} round${rounds === 1 ? '' : 's'}; peak ${peakPerCore} GFLOP/s per core; ` +
    `samples/epoch ${models.map((m) => `${m} ${samplesOf(m)}`).join(', ')}${threads ? `; threads ${threads.join(', ')}` : ''}; ` +
    `PyTorch: ${python ?? 'not found (apt-get install -y python3-torch libopenblas0-pthread)'}`);
  if (!fs.existsSync(path.join(root, 'dist', 'main', 'worker.js'))) throw new Error('dist/main/worker.js is missing: run `npm run build:main` (npm run bench does)');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'transfer-lab-bench-data-'));
  const entries: TrainingBenchEntry[] = [];
  const scaling: ThreadScalingRow[] = [];
  // In --threads mode written after every model too (complete: false), so a run stopped at a time limit keeps what it measured.
  const saveScaling = (complete: boolean) => {
    if (!outFile) return;
    const samplesPerEpoch = Object.fromEntries(models.map((m) => [m, samplesOf(m)]));
    fs.writeFileSync(outFile, JSON.stringify({ environment: env, epochs, rounds, batchSize: BATCH, samplesPerEpoch, threads, complete, scaling }, null, 2));
  };
  try {
    for (const model of models) {
      const folder = path.join(dataDir, model);
      const dataset = model === 'mlp' ? writeRandomIdx(folder, samplesOf(model), 1) : writeRandomCifar(folder, samplesOf(model), 1);
      if (threads) {
        scaling.push(...(await threadScaling(model, dataset, { threads, rounds, epochs, batch: BATCH, backend, root })));
        saveScaling(false);
      } else entries.push(await benchModel(model, dataset, root));
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  if (threads) {
    printScaling(scaling);
    saveScaling(true);
    return;
  }
  const fixed = (v: number | null, digits = 0) => (v === null ? '—' : Number(v.toFixed(digits)));
  console.table(entries.map((e) => ({
    model: e.model,
    'engine samples/s': fixed(e.engineSamplesPerSec),
    [`engine, 1 thread`]: fixed(e.engineOneThreadSamplesPerSec),
    'raw fit samples/s': fixed(e.rawSamplesPerSec),
    'PyTorch samples/s': fixed(e.pytorchSamplesPerSec),
    'engine/raw': fixed(e.engineOverRaw, 2),
    'engine/PyTorch': fixed(e.engineOverPytorch, 2),
    [`${e.engineThreads} threads/1`]: fixed(e.threadScaling, 2),
    'GFLOP/s': fixed(e.gflops, 1),
    'peak share': `${(e.peakShare * 100).toFixed(1)} %`,
  })));
  if (outFile) fs.writeFileSync(outFile, JSON.stringify({ environment: env, epochs, rounds, batchSize: BATCH, peakGflopsPerCore: peakPerCore, results: entries }, null, 2));
}

function printScaling(rows: ThreadScalingRow[]): void {
  const fixed = (v: number | null, digits = 0) => (v === null ? '—' : Number(v.toFixed(digits)));
  console.table(rows.map((r) => ({
    model: r.model,
    threads: r.threads === r.engineThreads ? r.threads : `${r.threads} (engine: ${r.engineThreads})`,
    'engine samples/s': fixed(r.engineSamplesPerSec),
    'PyTorch samples/s': fixed(r.pytorchSamplesPerSec),
    'engine/PyTorch': fixed(r.engineOverPytorch, 2),
    'engine speed-up': fixed(r.engineSpeedup, 2),
    'PyTorch speed-up': fixed(r.pytorchSpeedup, 2),
  })));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
