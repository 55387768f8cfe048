// How long a phase will take, said before it starts: its feature pass, training and
// evaluation, and, at the target phase, the from-scratch baseline that follows it (every
// layer trains on every sample of every epoch there, so it can cost many times the transfer
// run). Calibrated on this machine by timing the model's forward pass on a small batch; a
// training step is taken as three forward passes (forward and twice the work backward).
import * as tf from '@tensorflow/tfjs';
import { describeEstimate, type PhaseEstimate } from '@contract/results';
import { inferenceForward } from '../engine/accel/folded-inference';

// The estimate's shape and its words are the contract's: the CLI and the wizard show them too.
export { describeEstimate, type PhaseEstimate };

const CALIBRATION_BATCH = 4;
/** Data-parallel training does not scale perfectly (gradient averaging, shared memory bandwidth). */
const PARALLEL_EFFICIENCY = 0.8;

/**
 * Milliseconds per sample of model.predict here, from timed batches after a warm-up: one by
 * default (a run starting), or the median of `timings` (an estimate before Start, where a
 * small model's sub-millisecond passes are otherwise mostly noise). With `folded`, of the
 * forward the feature pass and the evaluation use (batch normalisation folded into the
 * convolutions, folded-inference.ts), which can be several times faster than the forward
 * training runs. The result is read asynchronously: a GPU backend (webgpu under Node) cannot
 * read back synchronously.
 */
export async function forwardMsPerSample(model: tf.LayersModel, inputShape: number[], timings = 1, folded = false): Promise<number> {
  const xs = tf.zeros([CALIBRATION_BATCH, ...inputShape]);
  const inference = folded ? inferenceForward(model) : undefined;
  const forward = async () => {
    const ys = inference ? tf.tidy(() => inference.forward(xs)) : (model.predict(xs) as tf.Tensor);
    try {
      await ys.data();
    } finally {
      ys.dispose();
    }
  };
  try {
    await forward();
    const times: number[] = [];
    for (let i = 0; i < Math.max(1, timings); i++) {
      const started = performance.now();
      await forward();
      times.push((performance.now() - started) / CALIBRATION_BATCH);
    }
    return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
  } finally {
    xs.dispose();
    inference?.dispose();
  }
}

export interface EstimateInput {
  counts: { train: number; validation: number; test: number };
  epochs: number;
  threads: number;
  /** Per sample, the full model forward (as training runs it). */
  fullMs: number;
  /** Per sample, the full model forward in the forward-only passes (folded); fullMs when absent. */
  inferenceMs?: number;
  /** Per sample, the layers that train (above the cut when features are cached); the full model otherwise. */
  trainedMs: number;
  cached: boolean;
  /** Whether a from-scratch baseline of the full model follows this phase. */
  baseline: boolean;
}

export function estimatePhase(input: EstimateInput): PhaseEstimate {
  const { counts, epochs, fullMs, trainedMs } = input;
  const inferenceMs = input.inferenceMs ?? fullMs;
  const speedup = Math.max(1, input.threads * PARALLEL_EFFICIENCY);
  const inference = (samples: number, ms: number) => (samples * ms) / speedup;
  const training = (ms: number) => epochs * ((3 * counts.train * ms) / speedup + inference(counts.validation, ms));
  const estimate: PhaseEstimate = {
    trainMs: training(trainedMs),
    evaluateMs: inference(counts.test, inferenceMs),
  };
  if (input.cached) estimate.featuresMs = inference(counts.train + counts.validation, inferenceMs);
  if (input.baseline) estimate.baselineMs = training(fullMs) + inference(counts.test, inferenceMs);
  return estimate;
}
