// Transfer benchmark: what a fine-tuning epoch costs with and without frozen-feature caching,
// and with and without L2-SP, measured side by side in one process on the same data.
//   npm run bench -- transfer [--samples 600] [--epochs 3] [--backend wasm] [--out results.json]
// Setup: built-in MNIST digits 5-9 (28×28×1), head replaced, Adam, batch 32, no validation;
//   seed-cnn  (conv1 → pool1 → flatten → dense1 → head) with conv1..pool1 frozen, and
//   small-cnn (three conv/bn/relu/pool blocks → dense1 → head) with conv1..pool3 frozen,
// the second showing the cache where the frozen part is most of the work.
// Each configuration trains a fresh copy of the same model for --epochs epochs; the table
// gives the median epoch time. The cache's one-off cost (running the prefix over the data
// once) is reported separately and is not part of the epoch time.
import fs from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { environmentInfo, selectBackend, type BackendPreference } from '../../main/engine/accel/backend';
import { loadDataset } from '../../main/engine/data/datasets';
import { applyFreeze, buildModel, getWeightsSnapshot, resolveFrozenLayers, transferModel } from '../../main/engine/model';
import { cacheFrozenFeatures, planFeatureCache } from '../../main/engine/training/feature-cache';
import { createPenalty } from '../../main/engine/training/regularization';
import { trainModel } from '../../main/engine/training/train';
import type { Split } from '../../main/engine/data/datasets/dataset';
import type { TrainingSpec } from '@contract/spec';
import { argValue } from './shared/bench-args';

function positiveInt(name: string, fallback: number, max: number): number {
  const text = argValue(name);
  const value = text === undefined ? fallback : Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    console.error(`${name}: expected a whole number from 1 to ${max}, got ${text}`);
    process.exit(2);
  }
  return value;
}

const samplesPerClass = Math.ceil(positiveInt('--samples', 600, 5000) / 5);
const epochs = positiveInt('--epochs', 3, 50);
const backendName = (argValue('--backend') ?? 'wasm') as BackendPreference;
const outFile = argValue('--out');

interface Row {
  architecture: string;
  configuration: string;
  cache: boolean;
  regularization: string;
  medianEpochMs: number;
  epochMs: number[];
  finalLoss: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  const backend = await selectBackend(backendName);
  const data = await loadDataset({ kind: 'builtin', name: 'mnist', classes: [5, 6, 7, 8, 9], limitPerClass: samplesPerClass }, { seed: 1 });
  const train: Split = data.train;
  const inputShape = data.inputShape;
  const training: TrainingSpec = { epochs, batchSize: 32, optimizer: 'adam', learningRate: 0.001, validationSplit: 0 };
  console.log(`backend ${backend.name}; ${train.y.length} training samples of [${inputShape.join(', ')}]; ${epochs} epochs per configuration`);

  const rows: Row[] = [];
  const cacheMs: Record<string, number> = {};
  for (const [architecture, through] of [['seed-cnn', 'pool1'], ['small-cnn', 'pool3']] as const) {
  // The "source" as trained on digits 0-4 would be; its weights need not be good to time it.
  const source = buildModel(architecture, inputShape, 5, 3);
  for (const cache of [false, true]) {
    for (const regularization of ['none', 'l2-sp'] as const) {
      const model = transferModel(source, { numClasses: 5, head: 'replace', seed: 4 });
      const snapshot = getWeightsSnapshot(model);
      const frozen = resolveFrozenLayers(model, { through });
      applyFreeze(model, frozen);
      const penalty = createPenalty(
        model,
        regularization === 'none' ? { kind: 'none' } : { kind: 'l2-sp', alpha: 0.01, beta: 0.01 },
        { source: snapshot, newLayers: ['head'] },
      );
      let target: tf.LayersModel = model;
      let trainSplit = train;
      let shape = inputShape;
      if (cache) {
        const plan = planFeatureCache(model, frozen, { augmentationOn: false, trainCount: train.y.length, validationCount: 0 });
        if (!plan.cached) throw new Error(`expected the cache to be used: ${plan.note}`);
        const started = performance.now();
        const cached = await cacheFrozenFeatures(model, plan, { train }, inputShape);
        cacheMs[architecture] = performance.now() - started;
        [target, trainSplit, shape] = [cached.rest, cached.train, cached.featureShape];
      }
      const epochMs: number[] = [];
      let finalLoss = NaN;
      await trainModel(target, { train: trainSplit }, training, {
        seed: 2,
        inputShape: shape,
        numClasses: 5,
        penalty: penalty?.value,
        callbacks: { onEpoch: (m) => void (epochMs.push(m.durationMs), (finalLoss = m.loss)) },
      });
      penalty?.dispose();
      const configuration = `${cache ? 'cached features' : 'full network'}, ${regularization === 'none' ? 'no penalty' : 'L2-SP'}`;
      rows.push({ architecture, configuration, cache, regularization, medianEpochMs: median(epochMs), epochMs, finalLoss });
      console.log(`  ${architecture.padEnd(9)} ${configuration.padEnd(30)} ${median(epochMs).toFixed(0).padStart(7)} ms/epoch   final loss ${finalLoss.toFixed(4)}`);
    }
  }
  }

  const find = (architecture: string, cache: boolean, regularization: string) =>
    rows.find((r) => r.architecture === architecture && r.cache === cache && r.regularization === regularization)!.medianEpochMs;
  const ratios: Record<string, Record<string, number>> = {};
  for (const architecture of ['seed-cnn', 'small-cnn']) {
    ratios[architecture] = {
      cacheSpeedupNoPenalty: find(architecture, false, 'none') / find(architecture, true, 'none'),
      cacheSpeedupL2sp: find(architecture, false, 'l2-sp') / find(architecture, true, 'l2-sp'),
      l2spCostFullNetwork: find(architecture, false, 'l2-sp') / find(architecture, false, 'none'),
      l2spCostCached: find(architecture, true, 'l2-sp') / find(architecture, true, 'none'),
    };
  }
  console.log('');
  console.log('| architecture (frozen)     | configuration                  | ms / epoch |');
  console.log('|---------------------------|--------------------------------|-----------:|');
  for (const r of rows) {
    const label = `${r.architecture} (..${r.architecture === 'seed-cnn' ? 'pool1' : 'pool3'})`;
    console.log(`| ${label.padEnd(25)} | ${r.configuration.padEnd(30)} | ${r.medianEpochMs.toFixed(0).padStart(10)} |`);
  }
  console.log('');
  for (const [architecture, r] of Object.entries(ratios)) {
    console.log(`${architecture}: cache makes an epoch ${r.cacheSpeedupNoPenalty.toFixed(1)}× shorter (no penalty), ${r.cacheSpeedupL2sp.toFixed(1)}× (L2-SP); features computed once in ${cacheMs[architecture].toFixed(0)} ms`);
    console.log(`${architecture}: L2-SP makes an epoch ${r.l2spCostFullNetwork.toFixed(2)}× as long on the full network, ${r.l2spCostCached.toFixed(2)}× with cached features`);
  }
  if (outFile) {
    fs.writeFileSync(outFile, JSON.stringify({ environment: { ...environmentInfo(), backend: backend.name }, samples: train.y.length, epochs, cacheMs, results: rows, ratios }, null, 2));
    console.log(`wrote ${outFile}`);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
