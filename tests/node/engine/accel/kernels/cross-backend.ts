// Runs the same computation on two tfjs backends and compares the results as plain arrays,
// so a kernel under test on 'wasm' is judged against the reference cpu backend.
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { createRng } from '../../../../../main/engine/rng';

export type Shape4 = [number, number, number, number];

/** Standard-normal-ish values from a seeded PRNG (sum of uniforms), reproducible per seed. */
export function seededValues(size: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = rng() + rng() + rng() - 1.5;
  return out;
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Switches to `backend`, runs `compute` in a tidy scope and returns its values and shape. */
export async function runOn(backend: 'cpu' | 'wasm' | 'webgpu', compute: () => tf.Tensor): Promise<{ values: Float32Array; shape: number[] }> {
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} did not initialise`);
  const t = tf.tidy(compute);
  const values = (await t.data()) as Float32Array;
  const shape = t.shape.slice();
  t.dispose();
  return { values: Float32Array.from(values), shape };
}

/** Runs one kernel directly (no gradient machinery) on the current backend. */
export function runKernel(name: string, inputs: Record<string, tf.Tensor>, attrs: object): tf.Tensor {
  return tf.engine().runKernel(name, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
}

/**
 * Tolerance used throughout: |actual − expected| ≤ 1e-4 · (1 + |expected|), i.e. 1e-4
 * relative for values above 1 and 1e-4 absolute below. Float32 sums over up to a few
 * thousand terms in a different order stay well inside it.
 */
export function expectClose(actual: { values: Float32Array; shape: number[] }, expected: { values: Float32Array; shape: number[] }): void {
  expect(actual.shape).toEqual(expected.shape);
  let worst = 0;
  let worstAt = -1;
  for (let i = 0; i < expected.values.length; i++) {
    const err = Math.abs(actual.values[i] - expected.values[i]) / (1 + Math.abs(expected.values[i]));
    if (!(err <= worst)) {
      worst = err;
      worstAt = i;
    }
  }
  expect(worst, `worst scaled error at index ${worstAt}: ${actual.values[worstAt]} vs ${expected.values[worstAt]}`).toBeLessThanOrEqual(1e-4);
}
