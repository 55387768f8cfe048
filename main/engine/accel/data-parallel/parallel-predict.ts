// Runs a model over every sample of a split on every core: this thread and threads − 1
// worker threads (predict-thread.ts), each with its own copy of the model. The frozen
// prefix's feature pass and the test-set evaluation use it. Batches are read from the
// samples (the image cache on disk, for folders) as they are dispatched, at most
// PREFETCH per thread in flight, so memory holds those batches and the outputs only.
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { appRoot } from '../../../paths';
import { gatherRows, type Samples } from '../../data/datasets/samples';
import { CancelledError } from '../../data/datasets/image-cache';
import type { PredictBatch, PredictInit, PredictReply } from './predict-protocol';
import { inferenceForward, type InferenceForward } from '../folded-inference';

/** Batches queued per worker thread: one computing, one waiting, so a thread never idles. */
const PREFETCH = 2;
const DEFAULT_BATCH = 32;

export interface PredictPoolOptions {
  /** Threads to compute with, this one included; 1 runs everything here. */
  threads: number;
  backend: string;
  /** The built thread entry (default: beside the running bundle, else dist/main/). */
  threadFile?: string;
  batchSize?: number;
}

export interface PredictRun {
  isCancelled?: () => boolean;
  /** Where outputs go, rows start.. at a time; run() then returns an empty array. */
  into?: (start: number, values: Float32Array) => void;
  onProgress?: (done: number, total: number) => void;
  /**
   * False: this thread computes nothing and only hands batches to the worker threads, so it
   * stays free for other work (driving the image decoders while a feature pass overlaps
   * them). Ignored when there are no worker threads.
   */
  useThisThread?: boolean;
}

export interface PredictPool {
  /** Threads computing, this one included. */
  readonly threads: number;
  /** Why fewer threads than asked for compute, if so. */
  readonly note?: string;
  /** The model's outputs for every sample, row-major (count × output size). */
  run(samples: Samples, run?: PredictRun): Promise<Float32Array>;
  close(): Promise<void>;
}

export function defaultPredictThreadFile(): string {
  const beside = path.join(__dirname, 'predict-thread.js');
  return fs.existsSync(beside) ? beside : path.join(appRoot(), 'dist', 'main', 'predict-thread.js');
}

async function startWorkers(model: tf.LayersModel, inputShape: number[], count: number, options: PredictPoolOptions): Promise<Worker[]> {
  const init: PredictInit = {
    topology: JSON.stringify(model.toJSON(undefined, false)),
    weights: model.getWeights().map((w) => ({ shape: w.shape.slice(), values: w.dataSync() as Float32Array })),
    inputShape,
    backend: options.backend as 'wasm' | 'cpu',
  };
  const file = options.threadFile ?? defaultPredictThreadFile();
  if (!fs.existsSync(file)) throw new Error(`the inference thread entry ${file} is not built`);
  const workers = Array.from({ length: count }, () => new Worker(file, { workerData: init }));
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            worker.once('message', (m: PredictReply) => (m.type === 'ready' ? resolve() : reject(new Error(m.type === 'failed' ? m.message : 'unexpected message'))));
            worker.once('error', reject);
          }),
      ),
    );
  } catch (error) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw error;
  }
  return workers;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Starts the threads around `model` (its weights as they are now). On a backend without
 * separate threads (native TensorFlow uses every core already), or when the threads cannot
 * start (say, a layer only this process knows), everything runs here, with a note.
 */
export async function createPredictPool(model: tf.LayersModel, inputShape: number[], options: PredictPoolOptions): Promise<PredictPool> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const outShape = model.outputs[0].shape.slice(1) as number[];
  const outSize = outShape.reduce((a, b) => a * (b ?? 1), 1);
  let workers: Worker[] = [];
  let note: string | undefined;
  // This thread's forward, with batch normalisation folded into the convolutions
  // (folded-inference.ts): made on first use from the weights as they are now, as the
  // threads' copies are, and kept until close().
  let inference: InferenceForward | undefined;
  const wanted = Math.max(1, Math.floor(options.threads)) - 1;
  if (wanted > 0 && (options.backend === 'wasm' || options.backend === 'cpu')) {
    try {
      workers = await startWorkers(model, inputShape, wanted, options);
    } catch (error) {
      note = `inference on one thread: the other threads could not start (${(error as Error).message})`;
    }
  }

  const run = async (samples: Samples, progress: PredictRun = {}): Promise<Float32Array> => {
    const count = samples.count;
    const out = new Float32Array(progress.into ? 0 : count * outSize);
    let next = 0;
    let done = 0;
    let cancelled = false;
    const take = (): { start: number; n: number } | null => {
      if (cancelled || next >= count) return null;
      if (progress.isCancelled?.()) {
        cancelled = true;
        return null;
      }
      const start = next;
      const n = Math.min(batchSize, count - start);
      next += n;
      return { start, n };
    };
    const finish = (job: { start: number; n: number }, values: Float32Array) => {
      if (progress.into) progress.into(job.start, values);
      else out.set(values, job.start * outSize);
      done += job.n;
      progress.onProgress?.(done, count);
    };
    const drive = (worker: Worker) =>
      new Promise<void>((resolve, reject) => {
        const pending = new Map<number, { start: number; n: number }>();
        let id = 0;
        const stop = (error?: Error) => {
          worker.off('message', onMessage);
          worker.off('error', onError);
          if (error) {
            cancelled = true;
            reject(error);
          } else resolve();
        };
        const pump = () => {
          while (pending.size < PREFETCH) {
            const job = take();
            if (!job) break;
            const x = gatherRows(samples, null, job.start, job.start + job.n);
            pending.set(++id, job);
            worker.postMessage({ id, n: job.n, x } satisfies PredictBatch, [x.buffer as ArrayBuffer]);
          }
          if (pending.size === 0) stop();
        };
        const onMessage = (m: PredictReply) => {
          if (m.type === 'result') {
            finish(pending.get(m.id)!, m.values);
            pending.delete(m.id);
            pump();
          } else if (m.type === 'failed') stop(new Error(`inference thread failed: ${m.message}`));
        };
        const onError = (error: Error) => stop(error);
        worker.on('message', onMessage);
        worker.on('error', onError);
        pump();
      });
    const local = async () => {
      const buffer = new Float32Array(Math.min(batchSize, Math.max(1, count)) * samples.size);
      for (;;) {
        // Lets the worker threads' results in (and their next batches out) between batches.
        await yieldToEventLoop();
        const job = take();
        if (!job) return;
        const x = gatherRows(samples, null, job.start, job.start + job.n, buffer);
        const forward = (inference ??= inferenceForward(model));
        const y = tf.tidy(() => forward.forward(tf.tensor(x, [job.n, ...inputShape])));
        finish(job, (await y.data()) as Float32Array);
        y.dispose();
      }
    };
    const here = progress.useThisThread !== false || workers.length === 0;
    await Promise.all([...workers.map(drive), ...(here ? [local()] : [])]);
    if (cancelled && done < count) throw new CancelledError('cancelled while running the model over the data');
    return out;
  };

  return {
    threads: workers.length + 1,
    note,
    run,
    close: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
      workers = [];
      inference?.dispose();
      inference = undefined;
    },
  };
}
