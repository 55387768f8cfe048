// How sure is a transfer gain? Both models are evaluated on the same test images, so the
// gain is the mean of per-image differences (right with transfer − right from scratch, each
// −1, 0 or +1). Resampling the images with replacement and taking the mean each time gives
// the gain's sampling distribution; its 2.5th and 97.5th percentiles are the 95 % interval.
// Pairing matters: an image both models get right (or both wrong) adds no noise.
import { createRng } from '../engine/rng';

export interface Interval {
  low: number;
  high: number;
  /** 0.95 for a 95 % interval. */
  level: number;
  resamples: number;
}

export interface BootstrapOptions {
  resamples?: number;
  level?: number;
  /** Fixed, so the same evaluations always give the same interval. */
  seed?: number;
}

/**
 * The percentile-bootstrap interval of mean(target[i] − baseline[i]) over paired samples;
 * each entry is 1 (right) or 0 (wrong). Null when there is nothing to resample.
 */
export function pairedBootstrapInterval(target: ArrayLike<number>, baseline: ArrayLike<number>, options: BootstrapOptions = {}): Interval | null {
  const { resamples = 4000, level = 0.95, seed = 1 } = options;
  if (target.length !== baseline.length) throw new Error(`paired samples differ in number: ${target.length} vs ${baseline.length}`);
  const n = target.length;
  if (n === 0) return null;
  const differences = new Int8Array(n);
  for (let i = 0; i < n; i++) differences[i] = target[i] - baseline[i];
  const rng = createRng(seed);
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let k = 0; k < n; k++) sum += differences[Math.floor(rng() * n)];
    means[r] = sum / n;
  }
  means.sort();
  const tail = (1 - level) / 2;
  const low = means[Math.floor(tail * resamples)];
  const high = means[Math.min(resamples - 1, Math.ceil((1 - tail) * resamples) - 1)];
  return { low, high, level, resamples };
}

/** '1'/'0' per sample (Evaluation.correct) as numbers. */
export function correctnessOf(text: string): Uint8Array {
  const flags = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) flags[i] = text.charCodeAt(i) === 49 ? 1 : 0;
  return flags;
}
