// Data-parallel training over worker_threads. tfjs-backend-wasm computes on one thread under
// Node, so one process uses one core; here the calling thread and `workers` worker threads
// (each with its own tfjs and wasm instance and a copy of the model) each take a shard of
// every batch, compute its gradients, and the calling thread averages them (weighted by
// shard size) into a SharedArrayBuffer. Every replica then applies the same averaged
// gradients with an identically configured optimizer, so all copies stay equal and the
// caller's model is always current. Mathematically the step equals one single-threaded step
// on the whole batch; in float32 it agrees within rounding. Layers whose forward pass depends
// on the batch (batch normalisation's batch statistics, dropout's random masks) see shards,
// so those models train equivalently but not identically.
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import { appRoot } from '../../../paths';
import { Worker } from 'node:worker_threads';
import { createOptimizer } from '../../training/optimizers/create-optimizer';
import { applyFlatGradients, flatSize, shardGradients } from './shard-step';
import { trainingForward } from '../training-forward';
import { APPLY, COMMAND, CONTROL_WORDS, DONE, EXIT, FAILED, GO, RUN, SAMPLES, type ReplicaInit, type ReplicaMessage } from './replica-protocol';

export interface DataParallelOptions {
  /** Worker threads besides the calling thread (so workers + 1 replicas); usually cores − 1. */
  workers: number;
  optimizer: ReplicaInit['optimizer'];
  inputShape: number[];
  numClasses: number;
  /** The largest batch step() will be given. */
  maxBatch: number;
  backend: 'wasm' | 'cpu';
  /** The built replica entry (default: data-parallel-replica.js beside this bundle). */
  replicaFile?: string;
}

export interface DataParallelTrainer {
  readonly replicas: number;
  /** The calling thread's optimizer (for checkpoints: readOptimizerState). */
  readonly optimizer: tf.Optimizer;
  /**
   * One training step on samples x[0..n), y[0..n) (x flat, n × inputShape). Updates the
   * model given to createDataParallelTrainer. Returns the batch's summed loss and correct count.
   */
  step(x: Float32Array, y: Int32Array, n: number): { lossSum: number; correct: number };
  /** Stops the worker threads and frees the optimizer. */
  close(): Promise<void>;
}

interface ReplicaHandle {
  worker: Worker;
  control: Int32Array;
  x: Float32Array;
  y: Int32Array;
  gradients: Float32Array;
  stats: Float64Array;
  error?: string;
}

/**
 * The built replica entry: beside the running bundle (dist/main/), or — when the engine
 * runs from TypeScript sources, as in tests — the one the build put in dist/main/.
 */
export function defaultReplicaFile(): string {
  const beside = path.join(__dirname, 'data-parallel-replica.js');
  return fs.existsSync(beside) ? beside : path.join(appRoot(), 'dist', 'main', 'data-parallel-replica.js');
}

/** Starts the replicas (resolves once each has built its model) around `model`. */
export async function createDataParallelTrainer(model: tf.LayersModel, options: DataParallelOptions): Promise<DataParallelTrainer> {
  const { workers, inputShape, numClasses, maxBatch } = options;
  if (!Number.isInteger(workers) || workers < 0) throw new Error(`data-parallel training: workers must be a whole number ≥ 0, got ${workers}`);
  const optimizer = createOptimizer({ optimizer: options.optimizer.name, learningRate: options.optimizer.learningRate });
  const trainable = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const gradientSize = flatSize(trainable);
  const forward = trainingForward(model);
  const sampleSize = inputShape.reduce((a, b) => a * b, 1);
  const maxShard = Math.ceil(maxBatch / (workers + 1));
  const averagedBuffer = new SharedArrayBuffer(gradientSize * 4);
  const averaged = new Float32Array(averagedBuffer);
  const ownGradients = new Float32Array(gradientSize);
  // Summed privately: replicas may still be reading `averaged` (applying the previous step)
  // until they report this step's gradients done.
  const sum = new Float32Array(gradientSize);
  const topology = JSON.stringify(model.toJSON(undefined, false));
  const weights = model.getWeights().map((w) => ({ shape: w.shape.slice(), values: w.dataSync() as Float32Array }));
  const replicaFile = options.replicaFile ?? defaultReplicaFile();

  const replicas: ReplicaHandle[] = [];
  const started: Promise<void>[] = [];
  for (let i = 0; i < workers; i++) {
    const init: ReplicaInit = {
      topology,
      weights,
      optimizer: options.optimizer,
      inputShape,
      numClasses,
      control: new SharedArrayBuffer(CONTROL_WORDS * 4),
      x: new SharedArrayBuffer(maxShard * sampleSize * 4),
      y: new SharedArrayBuffer(maxShard * 4),
      gradients: new SharedArrayBuffer(gradientSize * 4),
      stats: new SharedArrayBuffer(16),
      averaged: averagedBuffer,
      backend: options.backend,
    };
    const worker = new Worker(replicaFile, { workerData: init });
    const handle: ReplicaHandle = {
      worker,
      control: new Int32Array(init.control),
      x: new Float32Array(init.x),
      y: new Int32Array(init.y),
      gradients: new Float32Array(init.gradients),
      stats: new Float64Array(init.stats),
    };
    replicas.push(handle);
    started.push(
      new Promise((resolve, reject) => {
        worker.on('message', (m: ReplicaMessage) => {
          if (m.type === 'ready') resolve();
          else {
            handle.error = m.message;
            reject(new Error(`data-parallel replica ${i + 1} failed: ${m.message}`));
          }
        });
        worker.on('error', (err) => {
          handle.error = err.message;
          reject(new Error(`data-parallel replica ${i + 1} (${replicaFile}) failed: ${err.message}`));
        });
      }),
    );
  }
  try {
    await Promise.all(started);
  } catch (err) {
    await Promise.all(replicas.map((r) => r.worker.terminate()));
    optimizer.dispose();
    throw err;
  }

  let stepNumber = 0;
  return {
    replicas: workers + 1,
    optimizer,
    step(x, y, n) {
      if (n < 1 || n > maxBatch) throw new Error(`data-parallel step: batch of ${n} samples, expected 1..${maxBatch}`);
      stepNumber += 1;
      // Shards as even as possible; the calling thread takes the first (and any extra sample).
      // A replica may get none (n below the replica count): it still applies the update.
      const parts = workers + 1;
      const shards: [number, number][] = [];
      for (let p = 0, from = 0; p < parts; p++) {
        const count = Math.floor(n / parts) + (p < n % parts ? 1 : 0);
        shards.push([from, count]);
        from += count;
      }
      replicas.forEach((r, i) => {
        const [from, count] = shards[i + 1];
        r.x.set(x.subarray(from * sampleSize, (from + count) * sampleSize));
        r.y.set(y.subarray(from, from + count));
        Atomics.store(r.control, SAMPLES, count);
        Atomics.store(r.control, COMMAND, RUN);
        Atomics.store(r.control, GO, stepNumber);
        Atomics.notify(r.control, GO);
      });
      const own = shardGradients(model, trainable, x, y, shards[0][1], inputShape, ownGradients, forward);
      let lossSum = own.lossSum;
      let correct = own.correct;
      const ownWeight = shards[0][1] / n;
      for (let k = 0; k < sum.length; k++) sum[k] = ownWeight * ownGradients[k];
      replicas.forEach((r, i) => {
        while (Atomics.load(r.control, DONE) !== stepNumber) {
          if (Atomics.load(r.control, FAILED) === 1) throw new Error(`data-parallel replica ${i + 1} failed: ${r.error ?? 'see its error message'}`);
          Atomics.wait(r.control, DONE, stepNumber - 1, 1000);
        }
        const count = shards[i + 1][1];
        if (count === 0) return;
        const weight = count / n;
        const g = r.gradients;
        for (let k = 0; k < sum.length; k++) sum[k] += weight * g[k];
        lossSum += r.stats[0];
        correct += r.stats[1];
      });
      averaged.set(sum);
      for (const r of replicas) {
        Atomics.store(r.control, APPLY, stepNumber);
        Atomics.notify(r.control, APPLY);
      }
      applyFlatGradients(optimizer, trainable, averaged);
      return { lossSum, correct };
    },
    async close() {
      for (const r of replicas) {
        Atomics.store(r.control, COMMAND, EXIT);
        Atomics.store(r.control, GO, stepNumber + 1);
        Atomics.notify(r.control, GO);
        Atomics.notify(r.control, APPLY);
      }
      await Promise.all(replicas.map((r) => new Promise<void>((resolve) => {
        const timer = setTimeout(() => void r.worker.terminate().then(() => resolve()), 5000);
        r.worker.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      })));
      optimizer.dispose();
    },
  };
}
