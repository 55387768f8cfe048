// What folding batch normalisation into the convolutions buys the forward-only passes (the
// frozen prefix's feature pass, the evaluation), side by side in one run, on one thread:
//   npm run bench -- inference [--batch 32] [--rounds 5] [--backend wasm] [--out results.json]
// A MobileNet v1 0.25 at 224 × 224 (the pipeline bench's model, seeded weights, moving
// statistics made non-trivial) runs a batch through model.predict and through
// folded-inference.ts, alternately, after a warm-up of each; it prints images/s of both, the
// ratio per round and its median, and the largest difference between the two outputs.
import fs from 'node:fs';
import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { selectBackend, type BackendPreference } from '../../main/engine/accel/backend';
import { inferenceForward } from '../../main/engine/accel/folded-inference';
import { createRng } from '../../main/engine/rng';
import { argValue } from './shared/bench-args';
import { mobilenetV1Quarter } from './pipeline/mobilenet-shape';

const batch = Number(argValue('--batch') ?? 32);
const rounds = Number(argValue('--rounds') ?? 5);
const backend = (argValue('--backend') ?? 'wasm') as BackendPreference;
const outFile = argValue('--out');

function randomMovingStatistics(model: tf.LayersModel): void {
  const rng = createRng(7);
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    layer.setWeights(
      layer.weights.map((w) => {
        const shape = w.shape as number[];
        const size = shape.reduce((a, b) => a * b, 1);
        const floor = w.originalName.endsWith('variance') ? 0.5 : 0;
        return tf.tensor(Float32Array.from({ length: size }, () => floor + rng()), shape);
      }),
    );
  }
}

async function timed(forward: () => tf.Tensor): Promise<{ ms: number; values: Float32Array }> {
  const started = performance.now();
  const y = forward();
  const values = (await y.data()) as Float32Array;
  const ms = performance.now() - started;
  y.dispose();
  return { ms, values };
}

async function main(): Promise<void> {
  const choice = await selectBackend(backend);
  const model = mobilenetV1Quarter(5, 3);
  randomMovingStatistics(model);
  const rng = createRng(11);
  const x = tf.tensor(Float32Array.from({ length: batch * 224 * 224 * 3 }, () => rng()), [batch, 224, 224, 3]);
  const folded = inferenceForward(model);
  const predict = () => model.predict(x) as tf.Tensor;
  const fold = () => folded.forward(x);
  await timed(predict);
  await timed(fold);
  const rows: { predictMs: number; foldedMs: number; ratio: number }[] = [];
  let maxDifference = 0;
  for (let r = 0; r < rounds; r++) {
    const a = await timed(predict);
    const b = await timed(fold);
    for (let i = 0; i < a.values.length; i++) maxDifference = Math.max(maxDifference, Math.abs(a.values[i] - b.values[i]));
    rows.push({ predictMs: a.ms, foldedMs: b.ms, ratio: a.ms / b.ms });
  }
  const median = (v: number[]) => [...v].sort((p, q) => p - q)[Math.floor(v.length / 2)];
  const perSecond = (ms: number) => ((batch * 1000) / ms).toFixed(0);
  console.log(`inference bench: ${choice.name}, ${os.cpus()[0]?.model ?? '?'}; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(`MobileNet v1 0.25, 224 × 224, batch ${batch}, one thread, ${folded.folded} convolutions folded; ${rounds} rounds, alternating`);
  for (const [i, r] of rows.entries()) {
    console.log(`  round ${i + 1}: model.predict ${r.predictMs.toFixed(0)} ms (${perSecond(r.predictMs)} img/s)   folded ${r.foldedMs.toFixed(0)} ms (${perSecond(r.foldedMs)} img/s)   ${r.ratio.toFixed(2)}×`);
  }
  const summary = { backend: choice.name, batch, rounds: rows, medianRatio: median(rows.map((r) => r.ratio)), maxDifference };
  console.log(`median ratio folded / model.predict speed: ${summary.medianRatio.toFixed(2)}×; largest output difference ${maxDifference.toExponential(1)}`);
  if (outFile) fs.writeFileSync(outFile, JSON.stringify(summary, null, 2));
  folded.dispose();
  x.dispose();
  model.dispose();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
