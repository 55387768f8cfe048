// Each augmentation does what it says, on the wasm backend the workers train on: a shifted
// image is shifted, a flipped one mirrored, brightness added and clipped, zero settings change
// nothing, and the same rng gives the same batch.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../main/engine/accel/backend';
import { applySampleTransforms, createAugmenter, isAugmentationOn, type SampleTransform } from '../../../../main/engine/data/augmentation';
import { augmentationSchema } from '@contract/spec';
import { createRng } from '../../../../main/engine/rng';

beforeAll(async () => {
  await selectBackend('wasm');
  expect(tf.getBackend()).toBe('wasm');
});

const H = 5;
const W = 6;
/** Two 5×6 one-channel images with distinct values, pixel (r, c) of image b = (b·30 + r·6 + c + 1) / 100. */
function images(): tf.Tensor4D {
  return tf.tensor4d(Array.from({ length: 2 * H * W }, (_, i) => (i + 1) / 100), [2, H, W, 1]);
}
function pixels(t: tf.Tensor): number[][][] {
  return (t.arraySync() as number[][][][]).map((img) => img.map((row) => row.map((px) => px[0])));
}
const none: SampleTransform = { flip: false, dx: 0, dy: 0, angle: 0, brightness: 0 };

describe('augmentation', () => {
  it('flip mirrors each row, per sample', () => {
    const before = pixels(images());
    const after = pixels(applySampleTransforms(images(), [{ ...none, flip: true }, none]));
    for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) expect(after[0][r][c]).toBeCloseTo(before[0][r][W - 1 - c], 6);
    expect(after[1]).toEqual(before[1]);
  });

  it('shift moves the content by whole pixels and fills the uncovered edge with zeros', () => {
    const before = pixels(images());
    const after = pixels(applySampleTransforms(images(), [{ ...none, dx: 2, dy: -1 }, { ...none, dx: -1, dy: 0 }]));
    for (let r = 0; r < H; r++) {
      for (let c = 0; c < W; c++) {
        const fromR = r + 1;
        const fromC = c - 2;
        const expected = fromR < H && fromC >= 0 ? before[0][fromR][fromC] : 0;
        expect(after[0][r][c]).toBeCloseTo(expected, 6);
        expect(after[1][r][c]).toBeCloseTo(c + 1 < W ? before[1][r][c + 1] : 0, 6);
      }
    }
  });

  it('rotation by 90° turns the image about its centre; a small rotation keeps the centre pixel', () => {
    const square = tf.tensor4d(Array.from({ length: 25 }, (_, i) => (i + 1) / 100), [1, 5, 5, 1]);
    const before = pixels(square)[0];
    const quarter = pixels(applySampleTransforms(square, [{ ...none, angle: Math.PI / 2 }]))[0];
    // Output (r, c) reads input at x = c·cos + r·sin …: for 90° that is (r, c) ← (4 − c, r).
    for (let r = 0; r < 5; r++) for (let c = 0; c < 5; c++) expect(quarter[r][c]).toBeCloseTo(before[4 - c][r], 4);
    const small = pixels(applySampleTransforms(square, [{ ...none, angle: (5 * Math.PI) / 180 }]))[0];
    expect(small[2][2]).toBeCloseTo(before[2][2], 5);
    expect(small[0][4]).not.toBeCloseTo(before[0][4], 3);
  });

  it('brightness adds one value per sample and clips to [0, 1]', () => {
    const before = pixels(images());
    const after = pixels(applySampleTransforms(images(), [{ ...none, brightness: 0.9 }, { ...none, brightness: -0.4 }]));
    for (let r = 0; r < H; r++) {
      for (let c = 0; c < W; c++) {
        expect(after[0][r][c]).toBeCloseTo(Math.min(1, before[0][r][c] + 0.9), 6);
        expect(after[1][r][c]).toBeCloseTo(Math.max(0, before[1][r][c] - 0.4), 6);
      }
    }
    expect(Math.max(...after[0].flat())).toBe(1);
    expect(Math.min(...after[1].flat())).toBe(0);
  });

  it('zero settings are the identity (no augmenter at all), and the same rng gives the same batch', () => {
    const zero = augmentationSchema.parse({});
    expect(isAugmentationOn(zero)).toBe(false);
    expect(createAugmenter(zero)).toBeUndefined();
    expect(createAugmenter(undefined)).toBeUndefined();

    const augment = createAugmenter(augmentationSchema.parse({ flip: true, shift: 0.3, rotation: 10, brightness: 0.2 }))!;
    const a = augment(images(), createRng(4)).dataSync();
    const b = augment(images(), createRng(4)).dataSync();
    const c = augment(images(), createRng(5)).dataSync();
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    expect(Array.from(a)).not.toEqual(Array.from(images().dataSync()));
  });
});
