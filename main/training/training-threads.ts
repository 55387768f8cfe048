// How many threads a run may train with on the WebAssembly or plain-JavaScript backends (the
// native TensorFlow backends use every core already): every core, up to 8. Which models use
// them, and how, is planParallelism's choice (main/engine/training/step-runner.ts).
// TRANSFER_LAB_TRAINING_THREADS overrides it.
import os from 'node:os';

const MAX_THREADS = 8;

export function trainingThreads(env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = env.TRANSFER_LAB_TRAINING_THREADS;
  if (fromEnv !== undefined && fromEnv !== '') {
    const n = Number(fromEnv);
    if (!Number.isInteger(n) || n < 1) throw new Error(`TRANSFER_LAB_TRAINING_THREADS must be a whole number ≥ 1, got "${fromEnv}"`);
    return Math.min(n, MAX_THREADS);
  }
  return Math.min(os.cpus().length, MAX_THREADS);
}
