// MobileNet v1 with width 0.25 (the app's pretrained 'mobilenet-v1-0.25'), layer for layer as
// Keras builds it — a strided 3×3 convolution, then 13 depthwise-separable blocks (depthwise
// 3×3 + batch norm + ReLU6, pointwise 1×1 + batch norm + ReLU6), global average pooling — with
// a softmax 'head' as the app puts on it. Random weights: the bench measures speed, and needs
// no download. Built at any input side (the pretrained network takes 224).
import * as tf from '@tensorflow/tfjs';

const ALPHA = 0.25;
/** Pointwise filters (before the width multiplier) and depthwise stride of each block. */
const BLOCKS: [number, number][] = [
  [64, 1], [128, 2], [128, 1], [256, 2], [256, 1], [512, 2],
  [512, 1], [512, 1], [512, 1], [512, 1], [512, 1], [1024, 2], [1024, 1],
];

export function mobilenetShaped(side: number, numClasses: number, seed = 1): tf.LayersModel {
  let n = 0;
  const init = () => tf.initializers.glorotUniform({ seed: seed + n++ });
  const bnRelu6 = (x: tf.SymbolicTensor, name: string) => {
    const bn = tf.layers.batchNormalization({ name: `${name}_bn`, epsilon: 1e-3, momentum: 0.99 }).apply(x) as tf.SymbolicTensor;
    return tf.layers.reLU({ name: `${name}_relu`, maxValue: 6 }).apply(bn) as tf.SymbolicTensor;
  };
  const input = tf.input({ shape: [side, side, 3], name: 'input_1' });
  let x = tf.layers.conv2d({ name: 'conv1', filters: 32 * ALPHA, kernelSize: 3, strides: 2, padding: 'same', useBias: false, kernelInitializer: init() }).apply(input) as tf.SymbolicTensor;
  x = bnRelu6(x, 'conv1');
  BLOCKS.forEach(([filters, stride], i) => {
    const id = i + 1;
    x = tf.layers.depthwiseConv2d({ name: `conv_dw_${id}`, kernelSize: 3, strides: stride, padding: 'same', useBias: false, depthwiseInitializer: init() }).apply(x) as tf.SymbolicTensor;
    x = bnRelu6(x, `conv_dw_${id}`);
    x = tf.layers.conv2d({ name: `conv_pw_${id}`, filters: filters * ALPHA, kernelSize: 1, useBias: false, kernelInitializer: init() }).apply(x) as tf.SymbolicTensor;
    x = bnRelu6(x, `conv_pw_${id}`);
  });
  x = tf.layers.globalAveragePooling2d({ name: 'global_average_pooling2d_1' }).apply(x) as tf.SymbolicTensor;
  const head = tf.layers.dense({ name: 'head', units: numClasses, activation: 'softmax', kernelInitializer: init() }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: head, name: 'mobilenet_v1_025_shaped' });
}
