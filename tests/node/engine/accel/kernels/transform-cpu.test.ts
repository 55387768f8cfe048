// tfjs-backend-cpu 4.22 transforms only the first image of a batch (tf.image.transform returns
// from inside its batch loop). Once the app has chosen the cpu backend, every image of a batch
// is transformed, with its own matrix or one shared matrix, exactly as one image at a time
// and as on wasm.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../../main/engine/accel/backend';
import { applySampleTransforms, type SampleTransform } from '../../../../../main/engine/data/augmentation';

const H = 6;
const W = 7;
const C = 2;
const N = 4;
/** Four distinct, non-zero images. */
const pixels = Float32Array.from({ length: N * H * W * C }, (_, i) => 0.05 + ((i * 37) % 101) / 110);
const none: SampleTransform = { flip: false, dx: 0, dy: 0, angle: 0, brightness: 0 };
const draws: SampleTransform[] = [
  { ...none, flip: true },
  { ...none, dx: 2, dy: -1 },
  { ...none, angle: 0.3 },
  { ...none, flip: true, dx: -1, angle: -0.2 },
];

async function transformed(backend: 'cpu' | 'wasm', perImage: boolean): Promise<Float32Array> {
  await selectBackend(backend);
  expect(tf.getBackend()).toBe(backend);
  const size = H * W * C;
  if (!perImage) {
    const xs = tf.tensor4d(pixels, [N, H, W, C]);
    const out = applySampleTransforms(xs, draws);
    const values = (await out.data()) as Float32Array;
    tf.dispose([xs, out]);
    return values;
  }
  const values = new Float32Array(N * size);
  for (let b = 0; b < N; b++) {
    const x = tf.tensor4d(pixels.subarray(b * size, (b + 1) * size), [1, H, W, C]);
    const out = applySampleTransforms(x, [draws[b]]);
    values.set((await out.data()) as Float32Array, b * size);
    tf.dispose([x, out]);
  }
  return values;
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

describe('Transform on the cpu backend (tfjs-backend-cpu 4.22 fix)', () => {
  it('transforms every image of a batch with its own matrix, as one at a time and as wasm does', async () => {
    const batched = await transformed('cpu', false);
    const oneByOne = await transformed('cpu', true);
    const wasm = await transformed('wasm', false);
    const size = H * W * C;
    // The shipped kernel leaves images 1..3 as zeros: each must keep most of its content.
    for (let b = 1; b < N; b++) {
      const image = batched.subarray(b * size, (b + 1) * size);
      expect(image.filter((v) => v !== 0).length, `image ${b}`).toBeGreaterThan(size / 2);
    }
    expect(maxDifference(batched, oneByOne)).toBe(0);
    expect(maxDifference(batched, wasm)).toBeLessThan(1e-5);
  });

  it('applies one shared matrix to every image', async () => {
    await selectBackend('cpu');
    const xs = tf.tensor4d(pixels, [N, H, W, C]);
    const shift = tf.tensor2d([1, 0, -1, 0, 1, 0, 0, 0], [1, 8]);
    const out = tf.image.transform(xs, shift, 'nearest', 'constant', 0);
    const values = out.arraySync() as number[][][][];
    const input = xs.arraySync() as number[][][][];
    // Output pixel (r, c) reads input (r, c − 1): the content moves one column right.
    for (let b = 0; b < N; b++) for (let r = 0; r < H; r++) for (let c = 1; c < W; c++) expect(values[b][r][c]).toEqual(input[b][r][c - 1]);
    tf.dispose([xs, shift, out]);
  });
});
