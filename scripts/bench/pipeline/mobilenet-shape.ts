// A MobileNet v1 0.25-shaped model (224 × 224 × 3 in, 13 depthwise-separable blocks, global
// average pooling, 256 features) with seeded weights and a 5-class 'head', built here so the
// benchmark needs no download. Saved in TF.js layers format, it is what the app `import`s.
import * as tf from '@tensorflow/tfjs';

const BLOCKS: [filters: number, stride: number][] = [
  [16, 1], [32, 2], [32, 1], [64, 2], [64, 1], [128, 2], [128, 1], [128, 1], [128, 1], [128, 1], [128, 1], [256, 2], [256, 1],
];

export function mobilenetV1Quarter(numClasses: number, seed: number): tf.LayersModel {
  let s = seed;
  const init = () => tf.initializers.glorotUniform({ seed: s++ });
  const model = tf.sequential({ name: 'mobilenet_v1_025_bench' });
  model.add(tf.layers.conv2d({ name: 'conv1', inputShape: [224, 224, 3], filters: 8, kernelSize: 3, strides: 2, padding: 'same', useBias: false, kernelInitializer: init() }));
  model.add(tf.layers.batchNormalization({ name: 'conv1_bn' }));
  model.add(tf.layers.reLU({ name: 'conv1_relu', maxValue: 6 }));
  BLOCKS.forEach(([filters, stride], i) => {
    const b = i + 1;
    model.add(tf.layers.depthwiseConv2d({ name: `conv_dw_${b}`, kernelSize: 3, strides: stride, padding: 'same', useBias: false, depthwiseInitializer: init() }));
    model.add(tf.layers.batchNormalization({ name: `conv_dw_${b}_bn` }));
    model.add(tf.layers.reLU({ name: `conv_dw_${b}_relu`, maxValue: 6 }));
    model.add(tf.layers.conv2d({ name: `conv_pw_${b}`, filters, kernelSize: 1, padding: 'same', useBias: false, kernelInitializer: init() }));
    model.add(tf.layers.batchNormalization({ name: `conv_pw_${b}_bn` }));
    model.add(tf.layers.reLU({ name: `conv_pw_${b}_relu`, maxValue: 6 }));
  });
  model.add(tf.layers.globalAveragePooling2d({ name: 'global_pool' }));
  model.add(tf.layers.dense({ name: 'head', units: numClasses, activation: 'softmax', kernelInitializer: init() }));
  return model;
}
