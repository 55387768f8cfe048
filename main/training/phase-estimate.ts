// How long a phase will take, said before it starts: its feature pass, training and
// evaluation, and, at the target phase, the from-scratch baseline that follows it (every
// layer trains on every sample of every epoch there, so it can cost many times the transfer
// run). Calibrated on this machine by timing the model's forward pass on a small batch; a
// training step is taken as three forward passes (forward and twice the work backward).
import * as tf from '@tensorflow/tfjs';

export interface PhaseEstimate {
  featuresMs?: number;
  trainMs: number;
  evaluateMs: number;
  /** The from-scratch baseline after this phase: training and evaluation. */
  baselineMs?: number;
}

const CALIBRATION_BATCH = 4;
/** Data-parallel training does not scale perfectly (gradient averaging, shared memory bandwidth). */
const PARALLEL_EFFICIENCY = 0.8;

/**
 * Milliseconds per sample of model.predict here, from one timed batch after a warm-up.
 * The result is read asynchronously: a GPU backend (webgpu under Node) cannot read back
 * synchronously.
 */
export async function forwardMsPerSample(model: tf.LayersModel, inputShape: number[]): Promise<number> {
  const xs = tf.zeros([CALIBRATION_BATCH, ...inputShape]);
  const forward = async () => {
    const ys = model.predict(xs) as tf.Tensor;
    try {
      await ys.data();
    } finally {
      ys.dispose();
    }
  };
  try {
    await forward();
    const started = performance.now();
    await forward();
    return (performance.now() - started) / CALIBRATION_BATCH;
  } finally {
    xs.dispose();
  }
}

export interface EstimateInput {
  counts: { train: number; validation: number; test: number };
  epochs: number;
  threads: number;
  /** Per sample, the full model forward. */
  fullMs: number;
  /** Per sample, the layers that train (above the cut when features are cached); the full model otherwise. */
  trainedMs: number;
  cached: boolean;
  /** Whether a from-scratch baseline of the full model follows this phase. */
  baseline: boolean;
}

export function estimatePhase(input: EstimateInput): PhaseEstimate {
  const { counts, epochs, fullMs, trainedMs } = input;
  const speedup = Math.max(1, input.threads * PARALLEL_EFFICIENCY);
  const inference = (samples: number, ms: number) => (samples * ms) / speedup;
  const training = (ms: number) => epochs * ((3 * counts.train * ms) / speedup + inference(counts.validation, ms));
  const estimate: PhaseEstimate = {
    trainMs: training(trainedMs),
    evaluateMs: inference(counts.test, fullMs),
  };
  if (input.cached) estimate.featuresMs = inference(counts.train + counts.validation, fullMs);
  if (input.baseline) estimate.baselineMs = training(fullMs) + inference(counts.test, fullMs);
  return estimate;
}

const seconds = (ms: number) => (ms < 60_000 ? `${Math.max(1, Math.round(ms / 1000))} s` : `${(ms / 60_000).toFixed(ms < 600_000 ? 1 : 0)} min`);

/** "estimated: feature pass ~40 s, training ~3 s, evaluation ~10 s; the from-scratch baseline after it ~30 min". */
export function describeEstimate(e: PhaseEstimate): string {
  const parts = [];
  if (e.featuresMs !== undefined) parts.push(`feature pass ~${seconds(e.featuresMs)}`);
  parts.push(`training ~${seconds(e.trainMs)}`, `evaluation ~${seconds(e.evaluateMs)}`);
  const baseline = e.baselineMs !== undefined ? `; the from-scratch baseline after it ~${seconds(e.baselineMs)}` : '';
  return `estimated: ${parts.join(', ')}${baseline}`;
}
