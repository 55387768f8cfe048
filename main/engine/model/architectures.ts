// The built-in architectures. Layer names are fixed and readable (conv1, pool1, head …) because
// freeze specs, summaries and the history view refer to them; tfjs's generated names
// (conv2d_Conv2D3) would change with every model built in a process. Every random initialiser
// is seeded from the experiment seed and the layer's name, so the same seed gives the same
// weights, and adding a layer does not reshuffle the others' initial weights.
import * as tf from '@tensorflow/tfjs';
import type { ArchitectureName } from '@contract/spec';
import { ModelError } from './model-error';

/** A 32-bit seed for one layer, from the experiment seed and the layer's name (FNV-1a). */
export function layerSeed(seed: number, layerName: string): number {
  let hash = 0x811c9dc5;
  const text = `${seed}:${layerName}`;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function seededGlorot(seed: number, layerName: string): ReturnType<typeof tf.initializers.glorotUniform> {
  return tf.initializers.glorotUniform({ seed: layerSeed(seed, layerName) });
}

/** The classifier head every architecture ends in: softmax over the classes, named 'head'. */
export function headDense(numClasses: number, seed: number): tf.layers.Layer {
  return tf.layers.dense({
    name: 'head',
    units: numClasses,
    activation: 'softmax',
    kernelInitializer: seededGlorot(seed, 'head'),
  });
}

export function buildModel(
  arch: ArchitectureName,
  inputShape: number[],
  numClasses: number,
  seed: number,
): tf.LayersModel {
  if (!Number.isInteger(numClasses) || numClasses < 2) {
    throw new ModelError(`numClasses must be an integer ≥ 2, got ${numClasses}`);
  }
  if (inputShape.length === 0 || inputShape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new ModelError(`inputShape must be positive integers, got [${inputShape.join(', ')}]`);
  }
  const layers = architectureLayers(arch, inputShape, numClasses, seed);
  return tf.sequential({ name: arch, layers });
}

function architectureLayers(
  arch: ArchitectureName,
  inputShape: number[],
  numClasses: number,
  seed: number,
): tf.layers.Layer[] {
  switch (arch) {
    case 'seed-cnn':
      return seedCnn(requireImageShape(arch, inputShape), numClasses, seed);
    case 'small-cnn':
      return smallCnn(requireImageShape(arch, inputShape), numClasses, seed);
    case 'mlp':
      return mlp(inputShape, numClasses, seed);
    default:
      throw new ModelError(`unknown architecture "${String(arch)}"; expected seed-cnn, small-cnn or mlp`);
  }
}

function requireImageShape(arch: string, inputShape: number[]): [number, number, number] {
  if (inputShape.length !== 3) {
    throw new ModelError(
      `${arch} needs image input [height, width, channels], got [${inputShape.join(', ')}]; use mlp for tabular data`,
    );
  }
  const [height, width] = inputShape;
  if (Math.min(height, width) < 4) {
    throw new ModelError(`${arch} needs images at least 4×4, got ${height}×${width}`);
  }
  return [inputShape[0], inputShape[1], inputShape[2]];
}

/** The reference article's network: one conv, one pool, one hidden dense layer. */
function seedCnn(inputShape: [number, number, number], numClasses: number, seed: number): tf.layers.Layer[] {
  return [
    tf.layers.conv2d({
      name: 'conv1',
      inputShape,
      filters: 32,
      kernelSize: 3,
      activation: 'relu',
      kernelInitializer: seededGlorot(seed, 'conv1'),
    }),
    tf.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }),
    tf.layers.flatten({ name: 'flatten' }),
    tf.layers.dense({ name: 'dense1', units: 64, activation: 'relu', kernelInitializer: seededGlorot(seed, 'dense1') }),
    headDense(numClasses, seed),
  ];
}

/**
 * conv → batchnorm → relu → maxpool blocks. Three blocks from 16 px up, fewer for smaller
 * images so the feature map never pools below 1×1.
 */
function smallCnn(inputShape: [number, number, number], numClasses: number, seed: number): tf.layers.Layer[] {
  const minSide = Math.min(inputShape[0], inputShape[1]);
  const blocks = Math.min(3, Math.floor(Math.log2(minSide)) - 1);
  const layers: tf.layers.Layer[] = [];
  for (let b = 1; b <= blocks; b++) {
    layers.push(
      tf.layers.conv2d({
        name: `conv${b}`,
        ...(b === 1 ? { inputShape } : {}),
        filters: 8 * 2 ** b,
        kernelSize: 3,
        padding: 'same',
        // The batchnorm's beta does the bias's job.
        useBias: false,
        kernelInitializer: seededGlorot(seed, `conv${b}`),
      }),
      // Momentum 0.9 rather than Keras's 0.99: runs here are often a few hundred steps,
      // too few for 0.99's moving statistics to settle, which made evaluation (which uses
      // them) far worse than training.
      tf.layers.batchNormalization({ name: `bn${b}`, momentum: 0.9 }),
      tf.layers.reLU({ name: `relu${b}` }),
      tf.layers.maxPooling2d({ name: `pool${b}`, poolSize: 2 }),
    );
  }
  layers.push(
    tf.layers.flatten({ name: 'flatten' }),
    tf.layers.dropout({ name: 'dropout1', rate: 0.3, seed: layerSeed(seed, 'dropout1') }),
    tf.layers.dense({ name: 'dense1', units: 64, activation: 'relu', kernelInitializer: seededGlorot(seed, 'dense1') }),
    headDense(numClasses, seed),
  );
  return layers;
}

/** Two hidden dense layers; images are flattened first, tabular rows go straight in. */
function mlp(inputShape: number[], numClasses: number, seed: number): tf.layers.Layer[] {
  const layers: tf.layers.Layer[] = [];
  const isFlat = inputShape.length === 1;
  if (!isFlat) layers.push(tf.layers.flatten({ name: 'flatten', inputShape }));
  layers.push(
    tf.layers.dense({
      name: 'dense1',
      ...(isFlat ? { inputShape } : {}),
      units: 128,
      activation: 'relu',
      kernelInitializer: seededGlorot(seed, 'dense1'),
    }),
    tf.layers.dense({ name: 'dense2', units: 64, activation: 'relu', kernelInitializer: seededGlorot(seed, 'dense2') }),
    headDense(numClasses, seed),
  );
  return layers;
}
