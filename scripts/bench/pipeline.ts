// Pipeline benchmark (issue 18): a frozen MobileNet v1 0.25 and a new head on folders of
// photo-like 224 × 224 JPEGs, the app's engine against PyTorch doing the same job, in one run.
//   npm run bench -- pipeline [--sizes 1000,4000,12000] [--epochs 5] [--dir /tmp/…] [--no-torch] [--sequential] [--out results.json]
// For each size, in a fresh process each: the app (decode into the image cache from cold,
// the frozen prefix's feature pass on every core — overlapped with the decoding or after it,
// as a run on this machine decides (main/training/overlap-policy.ts); --sequential: both ways,
// for comparison — 5 head epochs on the features, test
// evaluation: the path a run's worker takes) and scripts/bench/pytorch_pipeline.py
// (torchvision ImageFolder + DataLoader, 2 threads, 2 loader workers). Reported: peak memory
// (maximum resident set; PyTorch's loader workers separately), load time, feature-pass
// images/s (every image, train and test, through the frozen part) and wall time, with the
// machine's load average, since this machine is shared.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../main/engine/accel/backend';
import { loadDataset } from '../../main/engine/data/datasets';
import { applyFreeze, loadModel, resolveFrozenLayers, saveModel, splitAtLayer, transferModel } from '../../main/engine/model';
import { planFeatureCache } from '../../main/engine/training/feature-cache';
import { trainModel } from '../../main/engine/training/train';
import { evaluateProbabilities } from '../../main/engine/training/evaluate';
import { streamEvaluation, streamFrozenFeatures } from '../../main/training/phase-inference';
import { overlapWhileDecoding } from '../../main/training/overlapped-features';
import { overlapFeaturePass, type OverlapMode } from '../../main/training/overlap-policy';
import { trainingThreads } from '../../main/training/training-threads';
import { argValue } from './shared/bench-args';
import { makePhotoFolder } from './pipeline/photo-folders';
import { mobilenetV1Quarter } from './pipeline/mobilenet-shape';

const PYTHON = '/usr/bin/python3';
const epochs = Number(argValue('--epochs') ?? 5);

interface Measured {
  images: number;
  loadMs: number;
  featuresMs: number;
  /** The part of featuresMs that ran while the folder decoded (the overlapped pass). */
  featuresDuringLoadMs?: number;
  featureImagesPerSec: number;
  trainMs: number;
  evaluateMs: number;
  totalMs: number;
  maxRssMb: number;
  loaderMaxRssMb?: number;
  accuracy: number;
  wallMs?: number;
}

/**
 * The app's side, in its own process: what a target run's worker does, timed phase by phase.
 * With `overlap` (the default), the feature pass starts while the folder decodes, as in a run.
 */
async function runApp(folder: string, modelDir: string, cacheDir: string, mode: OverlapMode): Promise<Measured> {
  const overlap = overlapFeaturePass(mode);
  await selectBackend('wasm');
  const started = performance.now();
  const source = await loadModel(modelDir);
  const threads = trainingThreads();
  let transferred: tf.LayersModel | undefined;
  const transfer = (numClasses: number) => (transferred ??= transferModel(source, { numClasses, head: 'replace', seed: 1 }));
  const early = overlap
    ? overlapWhileDecoding(
        (dataset) => {
          const model = transfer(dataset.classNames.length);
          return { model, frozenLayers: resolveFrozenLayers(model, 'all-but-head'), augmentationOn: false };
        },
        { inputShape: [224, 224, 3], threads, isCancelled: () => false, overlap: true },
      )
    : undefined;
  const ds = await loadDataset({ kind: 'folder', path: folder, imageSize: [224, 224], channels: 3 }, { seed: 1, dataFolder: cacheDir, onBuildingDataset: early?.onBuildingDataset });
  const loaded = performance.now();
  const pass = early?.started();
  pass?.loadFinished();
  const model = transfer(ds.classNames.length);
  const frozen = resolveFrozenLayers(model, 'all-but-head');
  applyFreeze(model, frozen);
  const plan = planFeatureCache(model, frozen, { augmentationOn: false, trainCount: ds.train.y.length, validationCount: 0 });
  if (!plan.cached) throw new Error(`the feature cache is off: ${plan.note}`);
  if (overlap && !pass) throw new Error('the feature pass did not start while the folder decoded (was the cache warm?)');
  const split = splitAtLayer(model, plan.cutLayer);
  const cached = await streamFrozenFeatures(split, plan.featureShape, { train: ds.train }, ds.inputShape, threads, () => false, pass);
  const featured = performance.now();
  const featuresFrom = pass?.startedAt ?? loaded;
  await trainModel(cached.rest, { train: cached.train }, { epochs, batchSize: 32, optimizer: 'adam', learningRate: 0.001, validationSplit: 0 }, {
    seed: 1,
    inputShape: plan.featureShape,
    numClasses: ds.classNames.length,
    threads,
  });
  const trained = performance.now();
  const probabilities = await streamEvaluation(model, ds.test, ds.inputShape, threads, () => false);
  const evaluation = evaluateProbabilities(probabilities.values, ds.test, ds.classNames);
  const done = performance.now();
  const images = ds.train.y.length + ds.test.y.length;
  return {
    images,
    loadMs: loaded - started,
    featuresMs: featured - featuresFrom,
    featuresDuringLoadMs: pass ? pass.duringLoadMs() : undefined,
    // Like PyTorch's figure: every image (train and test) through the frozen part, per second.
    featureImagesPerSec: images / ((featured - featuresFrom + (done - trained)) / 1000),
    trainMs: trained - featured,
    evaluateMs: done - trained,
    totalMs: done - started,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    accuracy: evaluation.accuracy,
  };
}

function child(args: string[]): Measured {
  const started = performance.now();
  const [cmd, ...rest] = args;
  const result = spawnSync(cmd, rest, { encoding: 'utf8', maxBuffer: 16 * 2 ** 20 });
  const wallMs = performance.now() - started;
  const last = result.stdout.trim().split('\n').pop() ?? '';
  if (result.status !== 0 || !last.startsWith('{')) throw new Error(`${args.join(' ')} failed (${result.status}):\n${result.stderr.slice(-2000)}`);
  return { ...(JSON.parse(last) as Measured), wallMs };
}

const fmt = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function main(): Promise<void> {
  const childFolder = argValue('--child-app');
  if (childFolder) {
    const result = await runApp(childFolder, argValue('--model')!, argValue('--cache')!, (argValue('--overlap') ?? 'auto') as OverlapMode);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const sizes = (argValue('--sizes') ?? '1000,4000,12000').split(',').map(Number);
  const dir = argValue('--dir') ?? path.join(os.tmpdir(), 'transfer-lab-bench-pipeline');
  const torch = !process.argv.includes('--no-torch');
  // Also run the app with the feature pass after decoding (as before the overlap), from cold too.
  const compareSequential = process.argv.includes('--sequential');
  const outFile = argValue('--out');
  fs.mkdirSync(dir, { recursive: true });
  await selectBackend('wasm');
  const modelDir = path.join(dir, 'mobilenet-v1-0.25');
  if (!fs.existsSync(path.join(modelDir, 'model.json'))) await saveModel(mobilenetV1Quarter(5, 1), modelDir);
  console.log(`pipeline bench: ${os.cpus().length} cores (${os.cpus()[0]?.model}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(`a run here ${overlapFeaturePass() ? 'overlaps the feature pass with decoding' : 'decodes first, then runs the feature pass'} (overlap-policy.ts)${compareSequential ? '; --sequential: both ways below' : ''}`);
  const rows: { size: number; app: Measured; appSequential?: Measured; torch?: Measured; loadAverage: number[] }[] = [];
  for (const size of sizes) {
    const folder = path.join(dir, `photos-${size}`);
    const made = await makePhotoFolder(folder, size);
    if (made > 0) console.log(`made ${size} JPEGs in ${fmt(made)}`);
    const cacheDir = path.join(dir, `cache-${size}`);
    const runApp = (mode: OverlapMode) => {
      fs.rmSync(cacheDir, { recursive: true, force: true }); // from cold: every image decoded
      return child([process.execPath, __filename, '--child-app', folder, '--model', modelDir, '--cache', cacheDir, '--epochs', String(epochs), '--overlap', mode]);
    };
    // --sequential: the overlapped path and the sequential one, whatever a run would choose here.
    const app = runApp(compareSequential ? 'on' : 'auto');
    const sequential = compareSequential ? runApp('off') : undefined;
    const reference = torch ? child([PYTHON, path.join(__dirname, '..', '..', 'scripts', 'bench', 'pytorch_pipeline.py'), '--folder', folder, '--epochs', String(epochs)]) : undefined;
    const loadAverage = os.loadavg();
    rows.push({ size, app, appSequential: sequential, torch: reference, loadAverage });
    for (const [who, m] of [['app', app], ['app seq', sequential], ['pytorch', reference]] as const) {
      if (!m) continue;
      const during = m.featuresDuringLoadMs !== undefined ? `, ${fmt(m.featuresDuringLoadMs)} of it while loading` : '';
      console.log(
        `${String(size).padStart(6)} ${who.padEnd(8)} wall ${fmt(m.wallMs!)}  peak ${(m.maxRssMb / 1024).toFixed(2)} GB${m.loaderMaxRssMb ? ` (+ loader ${(m.loaderMaxRssMb / 1024).toFixed(2)} GB)` : ''}` +
          `  load ${fmt(m.loadMs)}  features ${fmt(m.featuresMs)} (all images ${m.featureImagesPerSec.toFixed(0)} img/s${during})  train ${fmt(m.trainMs)}  eval ${fmt(m.evaluateMs)}  acc ${(m.accuracy * 100).toFixed(1)} %`,
      );
    }
    if (sequential) {
      const untilTrained = (m: Measured) => m.loadMs + m.featuresMs - (m.featuresDuringLoadMs ?? 0);
      console.log(
        `        overlapped / sequential: wall ${(app.wallMs! / sequential.wallMs!).toFixed(2)}, load + feature pass ${(untilTrained(app) / untilTrained(sequential)).toFixed(2)}`,
      );
    }
    console.log(`        load average now ${loadAverage.map((l) => l.toFixed(1)).join(' ')}`);
  }
  if (outFile) fs.writeFileSync(outFile, JSON.stringify({ cores: os.cpus().length, tfjs: tf.version.tfjs, rows }, null, 2));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
