// How many threads a run may train with on the WebAssembly or plain-JavaScript backends (the
// native TensorFlow backends use every core already): by default every core, up to 8 (past
// that, on the machines measured, gradient exchange eats the gain; see the training bench's
// --threads). TRANSFER_LAB_TRAINING_THREADS asks for a number explicitly, up to the 64 a
// spec's trainingThreads allows. Which models use them, and how, is planParallelism's choice
// (main/engine/training/step-runner.ts).
import os from 'node:os';

const DEFAULT_MAX_THREADS = 8;
/** The most threads a run can be asked for (contract/spec.ts, trainingThreads). */
export const MAX_REQUESTED_THREADS = 64;

export function trainingThreads(env: NodeJS.ProcessEnv = process.env, cores = os.cpus().length): number {
  const fromEnv = env.TRANSFER_LAB_TRAINING_THREADS;
  if (fromEnv !== undefined && fromEnv !== '') {
    const n = Number(fromEnv);
    if (!Number.isInteger(n) || n < 1 || n > MAX_REQUESTED_THREADS) {
      throw new Error(`TRANSFER_LAB_TRAINING_THREADS must be a whole number from 1 to ${MAX_REQUESTED_THREADS}, got "${fromEnv}"`);
    }
    return n;
  }
  return Math.max(1, Math.min(cores, DEFAULT_MAX_THREADS));
}
