// Random data augmentation of training batches (never validation or test): horizontal flips,
// shifts, small rotations and brightness changes, each drawn per sample from the rng that
// train.ts passes in (seeded per epoch, so runs are reproducible and resumable).
//
// Flip, shift and rotation are composed into one affine map per sample and applied with
// tf.image.transform (kernel 'Transform', present on the cpu, wasm and tensorflow backends),
// bilinear, with zeros outside the image — the background of the built-in data sets.
// Shifts are whole pixels, so a shift alone moves pixels exactly. Brightness adds one value
// per sample and clips to [0, 1].
import * as tf from '@tensorflow/tfjs';
import type { AugmentationSpec } from '@contract/spec';
import type { Rng } from '../rng';

export type Augment = (xs: tf.Tensor4D, rng: Rng) => tf.Tensor4D;

/** True when the settings change anything (all zero / false is the identity). */
export function isAugmentationOn(spec: AugmentationSpec | undefined): spec is AugmentationSpec {
  return spec != null && (spec.flip || spec.shift > 0 || spec.rotation > 0 || spec.brightness > 0);
}

/** A line for the run's notes, e.g. "augmentation: flip, shift ≤10%, rotation ≤15°". */
export function describeAugmentation(spec: AugmentationSpec): string {
  const parts: string[] = [];
  if (spec.flip) parts.push('horizontal flip');
  if (spec.shift > 0) parts.push(`shift ≤${Math.round(spec.shift * 100)}%`);
  if (spec.rotation > 0) parts.push(`rotation ≤${spec.rotation}°`);
  if (spec.brightness > 0) parts.push(`brightness ±${spec.brightness}`);
  return `augmentation: ${parts.join(', ')}`;
}

/** One sample's draw. Exported for tests, which apply a known draw. */
export interface SampleTransform {
  flip: boolean;
  /** Whole pixels; positive moves the content right / down. */
  dx: number;
  dy: number;
  /** Radians. */
  angle: number;
  brightness: number;
}

/** The augmentation for train.ts's `augment` hook, or undefined when the settings do nothing. */
export function createAugmenter(spec: AugmentationSpec | undefined): Augment | undefined {
  if (!isAugmentationOn(spec)) return undefined;
  return (xs, rng) => {
    const [n, height, width] = xs.shape;
    const draws: SampleTransform[] = [];
    for (let i = 0; i < n; i++) draws.push(drawSampleTransform(spec, rng, height, width));
    return applySampleTransforms(xs, draws);
  };
}

function symmetric(rng: Rng, limit: number): number {
  return limit > 0 ? (2 * rng() - 1) * limit : 0;
}

export function drawSampleTransform(spec: AugmentationSpec, rng: Rng, height: number, width: number): SampleTransform {
  return {
    flip: spec.flip && rng() < 0.5,
    dx: Math.round(symmetric(rng, spec.shift * width)),
    dy: Math.round(symmetric(rng, spec.shift * height)),
    angle: (symmetric(rng, spec.rotation) * Math.PI) / 180,
    brightness: symmetric(rng, spec.brightness),
  };
}

/** Applies one transform per sample of an NHWC batch. */
export function applySampleTransforms(xs: tf.Tensor4D, draws: readonly SampleTransform[]): tf.Tensor4D {
  const [n, height, width] = xs.shape;
  if (draws.length !== n) throw new Error(`augmentation: ${draws.length} transforms for a batch of ${n}`);
  return tf.tidy(() => {
    let out = xs;
    if (draws.some((d) => d.flip || d.dx !== 0 || d.dy !== 0 || d.angle !== 0)) {
      const matrices = new Float32Array(n * 8);
      draws.forEach((d, i) => matrices.set(inverseAffine(d, height, width), i * 8));
      out = tf.image.transform(out, tf.tensor2d(matrices, [n, 8]), 'bilinear', 'constant', 0);
    }
    if (draws.some((d) => d.brightness !== 0)) {
      const delta = tf.tensor4d(draws.map((d) => d.brightness), [n, 1, 1, 1]);
      out = out.add(delta).clipByValue(0, 1) as tf.Tensor4D;
    }
    return out;
  });
}

/**
 * tf.image.transform's 8 numbers map each OUTPUT pixel (x, y) to the INPUT pixel it reads:
 * (a0·x + a1·y + a2, b0·x + b1·y + b2). The forward map on a sample is: flip, rotate about
 * the centre, shift; so the output pixel p reads from flip(Rᵀ(p − c − t) + c).
 */
function inverseAffine(d: SampleTransform, height: number, width: number): number[] {
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const cos = Math.cos(d.angle);
  const sin = Math.sin(d.angle);
  const ox = cx + d.dx;
  const oy = cy + d.dy;
  let a = [cos, sin, cx - cos * ox - sin * oy];
  const b = [-sin, cos, cy + sin * ox - cos * oy];
  // Mirroring reads column (width − 1 − x′) of what the rotation and shift would read.
  if (d.flip) a = [-a[0], -a[1], width - 1 - a[2]];
  return [...a, ...b, 0, 0];
}
