// Inference with batch normalisation folded into the convolutions and ReLU/ReLU6 fused gives
// model.predict's values (within float rounding) for MobileNet-shaped chains — Conv2D and
// DepthwiseConv2D, with and without a bias, a multiplier of 2, strides, 'valid' padding,
// conv-own activations, non-trivial moving statistics — on wasm and on cpu; a model that is
// not a chain runs as model.predict does.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../main/engine/accel/backend';
import { inferenceForward } from '../../../../main/engine/accel/folded-inference';
import { mobilenetV1Quarter } from '../../../../scripts/bench/pipeline/mobilenet-shape';
import { createRng } from '../../../../main/engine/rng';
import { probeWebgpuAdapter } from '../../../../main/engine/accel/webgpu';

const webgpu = (await probeWebgpuAdapter()) !== undefined || process.env.TRANSFER_LAB_REQUIRE_WEBGPU === '1';

/** Every BatchNormalization gets random γ, β, moving mean and variance, so folding is not the identity. */
function randomiseBatchNorms(model: tf.LayersModel, seed: number): void {
  const rng = createRng(seed);
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    layer.setWeights(
      layer.getWeights().map((w) => {
        const values = Float32Array.from({ length: w.size }, () => rng());
        const name = layer.weights[layer.getWeights().indexOf(w)].originalName;
        // Variance positive, γ around 1, mean and β around 0.
        if (name.endsWith('moving_variance')) return tf.tensor(values.map((v) => 0.2 + v), w.shape);
        if (name.endsWith('gamma')) return tf.tensor(values.map((v) => 0.5 + v), w.shape);
        return tf.tensor(values.map((v) => v - 0.5), w.shape);
      }),
    );
  }
}

function smallChain(): tf.LayersModel {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [13, 11, 3], filters: 6, kernelSize: 3, strides: 2, padding: 'valid', useBias: true, kernelInitializer: init(1), biasInitializer: 'ones' }));
  model.add(tf.layers.batchNormalization({}));
  model.add(tf.layers.activation({ activation: 'relu' }));
  model.add(tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', useBias: true, depthwiseInitializer: init(2), biasInitializer: 'ones' }));
  model.add(tf.layers.batchNormalization({ center: false }));
  model.add(tf.layers.reLU({ maxValue: 6 }));
  model.add(tf.layers.conv2d({ filters: 5, kernelSize: 1, activation: 'relu', kernelInitializer: init(3) }));
  model.add(tf.layers.conv2d({ filters: 4, kernelSize: 1, kernelInitializer: init(4) }));
  model.add(tf.layers.reLU({}));
  model.add(tf.layers.globalAveragePooling2d({}));
  model.add(tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init(5) }));
  return model;
}

async function compare(model: tf.LayersModel, shape: number[], seed: number): Promise<{ folded: number; maxRelative: number }> {
  const rng = createRng(seed);
  const x = tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng() * 2 - 1), shape);
  const inference = inferenceForward(model);
  // Read asynchronously: webgpu cannot read back synchronously.
  const expected = await (model.predict(x) as tf.Tensor).data();
  const actual = await tf.tidy(() => inference.forward(x)).data();
  inference.dispose();
  x.dispose();
  let maxRelative = 0;
  let scale = 0;
  for (const v of expected) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < expected.length; i++) maxRelative = Math.max(maxRelative, Math.abs(actual[i] - expected[i]) / scale);
  expect(actual.length).toBe(expected.length);
  return { folded: inference.folded, maxRelative };
}

// webgpu where an adapter exists (CI: lavapipe, a CPU rasteriser: the 224 × 224 model is left to the other two).
const backends = ['wasm', 'cpu', ...(webgpu ? ['webgpu' as const] : [])] as const;

describe.each(backends)('folded inference on %s', (backend) => {
  it.skipIf(backend === 'webgpu')('matches model.predict for a MobileNet v1 0.25 at 224 × 224, folding all 27 convolutions', async () => {
    await selectBackend(backend);
    const model = mobilenetV1Quarter(5, 7);
    randomiseBatchNorms(model, 3);
    const { folded, maxRelative } = await compare(model, [2, 224, 224, 3], 11);
    expect(folded).toBe(27);
    expect(maxRelative).toBeLessThan(1e-4);
    model.dispose();
  }, 60_000);

  it('matches model.predict for biases, a depth multiplier, valid padding and activations of every kind', async () => {
    await selectBackend(backend);
    const model = smallChain();
    randomiseBatchNorms(model, 5);
    const { folded, maxRelative } = await compare(model, [3, 13, 11, 3], 13);
    expect(folded).toBe(4);
    expect(maxRelative).toBeLessThan(1e-5);
    model.dispose();
  });

  it.skipIf(backend === 'webgpu')('runs a model that is not a chain as model.predict does', async () => {
    await selectBackend(backend);
    const input = tf.input({ shape: [8, 8, 2] });
    const a = tf.layers.conv2d({ filters: 2, kernelSize: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(input) as tf.SymbolicTensor;
    const sum = tf.layers.add().apply([a, input]) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: tf.layers.flatten().apply(sum) as tf.SymbolicTensor });
    const { folded, maxRelative } = await compare(model, [2, 8, 8, 2], 17);
    expect(folded).toBe(0);
    expect(maxRelative).toBe(0);
    model.dispose();
  });
});

