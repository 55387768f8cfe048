// The baseline a tfjs user would write: the same architecture compiled with Adam and
// categorical cross-entropy, trained by model.fit on random data of the same shape, in this
// process and on the same backend. Samples/s per epoch from fit's own epoch callbacks.
import * as tf from '@tensorflow/tfjs';
import { buildModel } from '../../../main/engine/model';
import type { ArchitectureName } from '@contract/spec';
import { randomSamples } from './random-datasets';

export async function rawFitSamplesPerSec(
  arch: ArchitectureName,
  inputShape: number[],
  samples: number,
  epochs: number,
  batchSize: number,
): Promise<number[]> {
  const { x: xValues, y: labels } = randomSamples(inputShape, samples);
  const model = buildModel(arch, inputShape, 10, 42);
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const x = tf.tensor(xValues, [samples, ...inputShape]);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), 10));
  const rates: number[] = [];
  let start = 0;
  await model.fit(x, y, {
    batchSize,
    epochs,
    shuffle: true,
    verbose: 0,
    callbacks: {
      onEpochBegin: async () => {
        start = performance.now();
      },
      onEpochEnd: async () => {
        rates.push((samples * 1000) / (performance.now() - start));
      },
    },
  });
  tf.dispose([x, y]);
  model.dispose();
  return rates;
}
