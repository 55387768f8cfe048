// How many threads a run trains with on the WebAssembly or plain-JavaScript backends (the
// native TensorFlow backends use every core already). Data-parallel steps pay a fixed
// cost per step to exchange gradients: measured on 2 cores, it paid off for convolutional
// networks (steps of tens of milliseconds) and slowed down small dense networks (steps of
// a few milliseconds), hence the default. TRANSFER_LAB_TRAINING_THREADS overrides it.
import os from 'node:os';
import type * as tf from '@tensorflow/tfjs';

const MAX_THREADS = 8;

export function trainingThreads(model: tf.LayersModel, env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = env.TRANSFER_LAB_TRAINING_THREADS;
  if (fromEnv !== undefined && fromEnv !== '') {
    const n = Number(fromEnv);
    if (!Number.isInteger(n) || n < 1) throw new Error(`TRANSFER_LAB_TRAINING_THREADS must be a whole number ≥ 1, got "${fromEnv}"`);
    return Math.min(n, MAX_THREADS);
  }
  const convolutional = model.layers.some((l) => l.getClassName().startsWith('Conv') && l.trainable);
  return convolutional ? Math.min(os.cpus().length, MAX_THREADS) : 1;
}
