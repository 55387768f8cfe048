// Fine-tuning with frozen layers on real (tiny) data: frozen weights must not move, the rest
// must, and frozen batchnorm layers must behave as in inference.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../../../main/engine/model/architectures';
import { applyFreeze, resolveFrozenLayers } from '../../../../main/engine/model/freeze';
import { splitAtLayer } from '../../../../main/engine/model/split-model';
import { cyclingLabels, fitBriefly, maxAbsDifference, randomBatch, sameValues, weightValues } from './tiny-batches';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const x = randomBatch(8, [8, 8, 1], 11);
const y = cyclingLabels(8, 3);

function snapshotLayers(model: tf.LayersModel): Map<string, Float32Array[]> {
  return new Map(model.layers.map((layer) => [layer.name, weightValues(layer)]));
}

describe('training with frozen layers', () => {
  it('leaves frozen layers (batchnorm statistics included) unchanged and trains the rest', async () => {
    const model = buildModel('small-cnn', [8, 8, 1], 3, 5);
    applyFreeze(model, resolveFrozenLayers(model, { through: 'pool1' }));
    const before = snapshotLayers(model);
    await fitBriefly(model, x, y);
    const after = snapshotLayers(model);
    for (const name of ['conv1', 'bn1']) expect(sameValues(after.get(name)!, before.get(name)!), name).toBe(true);
    for (const name of ['conv2', 'bn2', 'dense1', 'head']) expect(sameValues(after.get(name)!, before.get(name)!), name).toBe(false);
    // bn2 is trainable, so training mode updated its moving mean (weights[2]).
    const bn2Before = before.get('bn2')!;
    const bn2After = after.get('bn2')!;
    expect(sameValues([bn2After[2]], [bn2Before[2]])).toBe(false);
  });

  it("trains only the head with 'all-but-head'", async () => {
    const model = buildModel('seed-cnn', [8, 8, 1], 3, 5);
    applyFreeze(model, resolveFrozenLayers(model, 'all-but-head'));
    const before = snapshotLayers(model);
    await fitBriefly(model, x, y);
    const after = snapshotLayers(model);
    for (const name of ['conv1', 'dense1']) expect(sameValues(after.get(name)!, before.get(name)!), name).toBe(true);
    expect(sameValues(after.get('head')!, before.get('head')!)).toBe(false);
  });
});

describe('frozen batchnorm', () => {
  /** small-cnn whose bn1 has non-trivial moving statistics, as a trained source model would. */
  async function pretrained(): Promise<tf.LayersModel> {
    const model = buildModel('small-cnn', [8, 8, 1], 3, 9);
    await fitBriefly(model, randomBatch(8, [8, 8, 1], 3), y, 1);
    return model;
  }

  it('runs in inference mode when frozen: training-mode output equals inference output', async () => {
    const model = await pretrained();
    const { prefix } = splitAtLayer(model, 'bn1');
    // Control: an unfrozen batchnorm normalises with batch statistics when training=true.
    const trainingOutputUnfrozen = prefix.apply(x, { training: true }) as tf.Tensor;
    expect(maxAbsDifference(trainingOutputUnfrozen, prefix.predict(x) as tf.Tensor)).toBeGreaterThan(1e-3);

    applyFreeze(model, resolveFrozenLayers(model, { through: 'bn1' }));
    const trainingOutputFrozen = prefix.apply(x, { training: true }) as tf.Tensor;
    expect(maxAbsDifference(trainingOutputFrozen, prefix.predict(x) as tf.Tensor)).toBeLessThan(1e-6);

    // Unfreezing restores batch statistics in training mode.
    applyFreeze(model, []);
    const trainingOutputUnfrozenAgain = prefix.apply(x, { training: true }) as tf.Tensor;
    expect(maxAbsDifference(trainingOutputUnfrozenAgain, trainingOutputUnfrozen)).toBeLessThan(1e-6);
  });

  it('keeps its moving mean and variance through fit', async () => {
    const model = await pretrained();
    const bn1 = model.getLayer('bn1');
    const statistics = () => [bn1.getWeights()[2], bn1.getWeights()[3]].map((w) => Float32Array.from(w.dataSync()));
    const before = statistics();
    applyFreeze(model, resolveFrozenLayers(model, { layers: ['conv1', 'bn1'] }));
    await fitBriefly(model, x, y);
    expect(sameValues(statistics(), before)).toBe(true);

    // Control: without the freeze, the same fit moves them.
    applyFreeze(model, []);
    await fitBriefly(model, x, y);
    expect(sameValues(statistics(), before)).toBe(false);
  });
});
