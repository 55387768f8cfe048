// The gradients training takes through tfjs-backend-webgpu, judged against the reference cpu
// backend (|Δ| ≤ 1e-4·(1 + |expected|), float32), on small shapes of every layer kind the app's
// architectures use: seed-cnn and small-cnn (conv, max-pool, batch norm, dense), the MLP, and
// MobileNet's strided and depthwise convolutions, ReLU6 and global average pooling; plus the
// loss and the augmentation transform. Runs on whatever adapter WebGPU finds (lavapipe on CI);
// see webgpu-backend.test.ts for when it skips.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, it } from 'vitest';
import { selectBackend } from '../../../../../main/engine/accel/backend';
import { probeWebgpuAdapter } from '../../../../../main/engine/accel/webgpu';
import { expectClose, runOn, seededValues, sizeOf } from './cross-backend';

const available = (await probeWebgpuAdapter()) !== undefined || process.env.TRANSFER_LAB_REQUIRE_WEBGPU === '1';

function input(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(seededValues(sizeOf(shape), seed), shape);
}

/** Runs `f` on both backends and compares its value and each input's gradient. */
async function compareGradients(shapes: number[][], f: (...xs: tf.Tensor[]) => tf.Tensor): Promise<void> {
  const compute = (which: number) => () => {
    const xs = shapes.map((s, i) => input(s, 100 + i));
    // A weighted sum, so every output element gets a different upstream gradient.
    const loss = (...ys: tf.Tensor[]) => {
      const y = f(...ys);
      return y.mul(input(y.shape, 99)).sum();
    };
    if (which < 0) return f(...xs);
    return tf.grads(loss)(xs)[which];
  };
  for (let which = -1; which < shapes.length; which++) {
    const expected = await runOn('cpu', compute(which));
    const actual = await runOn('webgpu', compute(which));
    expectClose(actual, expected);
  }
}

describe.skipIf(!available)('training gradients on webgpu match cpu', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
    await selectBackend('webgpu');
  });

  it.each([
    ['3×3 same, stride 1 (seed-cnn, small-cnn)', [2, 9, 9, 3], [3, 3, 3, 8], 1, 'same'],
    ['3×3 same, stride 2 (MobileNet conv1)', [2, 10, 10, 3], [3, 3, 3, 4], 2, 'same'],
    ['3×3 valid, stride 1', [2, 8, 8, 2], [3, 3, 2, 5], 1, 'valid'],
    ['1×1 pointwise (MobileNet)', [2, 5, 5, 8], [1, 1, 8, 16], 1, 'valid'],
    // Channel counts divisible by 4 take tfjs-backend-webgpu's vec4 matmul programs.
    ['3×3 same, 16 → 32 channels (vec4 path)', [2, 12, 12, 16], [3, 3, 16, 32], 1, 'same'],
    ['3×3 valid, seed-cnn shape (20×20, 32 filters)', [2, 20, 20, 1], [3, 3, 1, 32], 1, 'valid'],
  ] as const)('conv2d %s', async (_, xShape, fShape, stride, pad) => {
    await compareGradients([[...xShape], [...fShape]], (x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, stride, pad));
  });

  it('fused conv2d with bias and ReLU (what tfjs-layers runs for Conv2D)', async () => {
    await compareGradients([[2, 7, 7, 3], [3, 3, 3, 6], [6]], (x, f, b) =>
      tf.fused.conv2d({ x: x as tf.Tensor4D, filter: f as tf.Tensor4D, strides: 1, pad: 'same', bias: b, activation: 'relu' }),
    );
  });

  it.each([
    ['stride 1', 1],
    ['stride 2', 2],
  ] as const)('depthwise conv2d 3×3 same, %s (MobileNet)', async (_, stride) => {
    await compareGradients([[2, 9, 9, 6], [3, 3, 6, 1]], (x, f) => tf.depthwiseConv2d(x as tf.Tensor4D, f as tf.Tensor4D, stride, 'same'));
  });

  it('depthwise conv2d 3×3 same over 16 channels (its vec4 3×3 program)', async () => {
    await compareGradients([[2, 16, 16, 16], [3, 3, 16, 1]], (x, f) => tf.depthwiseConv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'same'));
  });

  it('batch normalisation in training mode (moments of the batch)', async () => {
    await compareGradients([[4, 5, 5, 6], [6], [6]], (x, gamma, beta) => {
      const { mean, variance } = tf.moments(x, [0, 1, 2]);
      return tf.batchNorm(x as tf.Tensor4D, mean, variance, beta, gamma.add(1), 1e-3);
    });
  });

  it.each([
    ['2×2 valid (seed-cnn)', [2, 8, 8, 3], 'valid'],
    ['2×2 same over odd sizes', [2, 7, 7, 3], 'same'],
  ] as const)('max pooling %s', async (_, shape, pad) => {
    await compareGradients([[...shape]], (x) => tf.maxPool(x as tf.Tensor4D, 2, 2, pad));
  });

  it('global average pooling and ReLU6 (MobileNet)', async () => {
    await compareGradients([[2, 6, 6, 5]], (x) => tf.clipByValue(tf.relu(x.mul(4)), 0, 6).mean([1, 2]));
  });

  it('dense: fused matMul with bias and ReLU, then softmax', async () => {
    await compareGradients([[6, 20], [20, 7], [7]], (x, w, b) =>
      tf.softmax(tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, bias: b, activation: 'relu' })),
    );
  });

  it('dense at seed-cnn-like width (2048 → 64, batch 8)', async () => {
    await compareGradients([[8, 2048], [2048, 64], [64]], (x, w, b) => tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, bias: b, activation: 'relu' }));
  });

  it('categorical cross-entropy on probabilities (the training loss)', async () => {
    await compareGradients([[5, 3]], (x) => tf.metrics.categoricalCrossentropy(tf.oneHot(tf.tensor1d([0, 2, 1, 2, 0], 'int32'), 3), tf.softmax(x)).mean());
  });

  // Against wasm: tfjs-backend-cpu 4.22's Transform returns after the first image (the rest
  // stay zero), so cpu is no reference for a batch. One matrix per image, as augmentation.ts
  // passes them (webgpu's Transform mishandles a single matrix broadcast over a batch).
  it('the augmentation transform (rotation + shift, bilinear) gives the same images as wasm', async () => {
    const [a, b, c] = [Math.cos(0.2), Math.sin(0.2), 1.5];
    const compute = () => tf.image.transform(input([2, 8, 8, 1], 7) as tf.Tensor4D, tf.tensor2d([a, -b, c, b, a, -c, 0, 0, a, b, 0, -b, a, 1, 0, 0], [2, 8]), 'bilinear', 'constant', 0);
    expectClose(await runOn('webgpu', compute), await runOn('wasm', compute));
  });
});
