// Kernel benchmark: training speed on wasm with this app's JavaScript kernels against the
// pure-JavaScript cpu backend, measured side by side in one process.
//   node dist/bench/kernels.js [--seconds 6] [--out results.json]
// Model: the seed CNN (Conv2D 32 3x3 relu → MaxPool 2 → Flatten → Dense 64 relu → Dense 10
// softmax) on 32x32x3 inputs, batch 64, Adam. Also times the two kernels it depends on alone.
import fs from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { environmentInfo, selectBackend } from '../../main/engine/accel/backend';
import { createRng } from '../../main/engine/rng';
import { argValue } from './shared/bench-args';

type Backend = 'wasm' | 'cpu';

interface Row {
  measure: string;
  backend: Backend;
  steps: number;
  msPerStep: number;
  samplesPerSecond?: number;
}

const seconds = Number(argValue('--seconds') ?? 6);
const outFile = argValue('--out');
if (!(seconds > 0 && seconds <= 600)) {
  console.error(`--seconds: expected a number of seconds per measurement (0 < s ≤ 600), got ${argValue('--seconds')}`);
  process.exit(2);
}

const BATCH = 64;
const INPUT: [number, number, number] = [32, 32, 3];
const CLASSES = 10;

function seededArray(size: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = rng() * 2 - 1;
  return out;
}

const xValues = seededArray(BATCH * INPUT[0] * INPUT[1] * INPUT[2], 1);
const labels = Array.from(seededArray(BATCH, 2), (v) => Math.floor((v + 1) * 5) % CLASSES);

function seedCnn(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: INPUT, filters: 32, kernelSize: 3, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 64, activation: 'relu' }),
      tf.layers.dense({ units: CLASSES, activation: 'softmax' }),
    ],
  });
}

/**
 * Runs `step` (after one warm-up run when `warmUp`), then repeatedly for about `budgetMs` and
 * at least `minSteps` times; returns the median time. The cpu backend takes seconds per
 * step, so its rows run once, unwarmed, to keep the whole benchmark near a minute.
 */
async function timeSteps(step: () => Promise<void>, budgetMs: number, minSteps: number, warmUp: boolean): Promise<{ steps: number; ms: number }> {
  if (warmUp) await step();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < minSteps || (performance.now() - start < budgetMs && times.length < 200)) {
    const t0 = performance.now();
    await step();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { steps: times.length, ms: times[Math.floor(times.length / 2)] };
}

async function trainingRow(backend: Backend): Promise<Row> {
  await selectBackend(backend);
  const model = seedCnn();
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  const x = tf.tensor4d(xValues, [BATCH, ...INPUT]);
  const y = tf.oneHot(tf.tensor1d(labels, 'int32'), CLASSES);
  const { steps, ms } = await timeSteps(
    async () => {
      await model.trainOnBatch(x, y);
    },
    backend === 'cpu' ? 0 : seconds * 1000,
    backend === 'cpu' ? 1 : 2,
    backend !== 'cpu',
  );
  model.dispose();
  tf.dispose([x, y]);
  return { measure: 'train step (seed CNN, batch 64, Adam)', backend, steps, msPerStep: ms, samplesPerSecond: (BATCH * 1000) / ms };
}

/** Times one gradient kernel alone on the seed CNN's shapes. */
async function kernelRow(backend: Backend, kernel: 'Conv2DBackpropFilter' | 'MaxPoolGrad'): Promise<Row> {
  await selectBackend(backend);
  const x = tf.tensor4d(xValues, [BATCH, ...INPUT]);
  const convOut = tf.tensor4d(seededArray(BATCH * 30 * 30 * 32, 3), [BATCH, 30, 30, 32]);
  const pooled = tf.maxPool(convOut, 2, 2, 'valid');
  const run =
    kernel === 'Conv2DBackpropFilter'
      ? () => tf.engine().runKernel(kernel, { x, dy: convOut }, { strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape: [3, 3, 3, 32] })
      : () => tf.engine().runKernel(kernel, { dy: pooled, input: convOut, output: pooled }, { filterSize: 2, strides: 2, pad: 'valid' });
  const { steps, ms } = await timeSteps(
    async () => {
      const out = run() as tf.Tensor;
      await out.data();
      out.dispose();
    },
    backend === 'cpu' ? 0 : Math.min(seconds * 1000, 3000),
    backend === 'cpu' ? 1 : 2,
    backend !== 'cpu',
  );
  tf.dispose([x, convOut, pooled]);
  const shape = kernel === 'Conv2DBackpropFilter' ? 'x [64,32,32,3], filter 3x3x3x32' : 'x [64,30,30,32], pool 2';
  return { measure: `${kernel} (${shape})`, backend, steps, msPerStep: ms };
}

async function main(): Promise<void> {
  const env = environmentInfo();
  console.log(`${env.cpu} x${env.cpuCount}, Node ${env.nodeVersion}, tfjs ${env.tfjsVersion}; ~${seconds}s per training measurement`);
  const rows: Row[] = [];
  for (const measure of [() => trainingRow('wasm'), () => trainingRow('cpu')]) rows.push(await measure());
  for (const kernel of ['Conv2DBackpropFilter', 'MaxPoolGrad'] as const) {
    rows.push(await kernelRow('wasm', kernel));
    rows.push(await kernelRow('cpu', kernel));
  }

  const cpuMs = new Map(rows.filter((r) => r.backend === 'cpu').map((r) => [r.measure, r.msPerStep]));
  const table = rows.map((r) => ({
    measure: r.measure,
    backend: r.backend === 'wasm' ? 'wasm + app kernels' : 'cpu',
    steps: r.steps,
    'ms/step (median)': Number(r.msPerStep.toFixed(1)),
    'samples/s': r.samplesPerSecond === undefined ? '' : Number(r.samplesPerSecond.toFixed(1)),
    'speed-up vs cpu': `${((cpuMs.get(r.measure) ?? r.msPerStep) / r.msPerStep).toFixed(1)}x`,
  }));
  console.table(table);
  if (outFile) fs.writeFileSync(outFile, JSON.stringify({ environment: env, seconds, results: rows }, null, 2));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
