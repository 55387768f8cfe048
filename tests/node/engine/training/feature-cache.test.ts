// Frozen-feature caching must give the same training as running the whole network with the
// frozen prefix: same seed, same shuffles, a few epochs on small data, compared weight by weight.
import { samplesToArray } from '../../../fixtures/sample-arrays';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../main/engine/accel/backend';
import { buildModel, applyFreeze, resolveFrozenLayers } from '../../../../main/engine/model';
import { cacheFrozenFeatures, planFeatureCache } from '../../../../main/engine/training/feature-cache';
import { trainModel, type EpochMetrics } from '../../../../main/engine/training/train';
import type { ArchitectureName, TrainingSpec } from '@contract/spec';
import { bandedSplit, maxDifference, weightArrays } from '../tiny-data';

beforeAll(async () => {
  await selectBackend('wasm');
});

const shape: [number, number, number] = [8, 8, 1];
const train = bandedSplit(24, shape, 3, 1);
const validation = bandedSplit(9, shape, 3, 2);
const training: TrainingSpec = { epochs: 3, batchSize: 8, optimizer: 'adam', learningRate: 0.01, validationSplit: 0 };

function frozenModel(arch: ArchitectureName): { model: tf.LayersModel; frozen: string[] } {
  const model = buildModel(arch, shape, 3, 7);
  const frozen = resolveFrozenLayers(model, { through: 'pool1' });
  applyFreeze(model, frozen);
  return { model, frozen };
}

describe('frozen-feature cache', () => {
  for (const arch of ['seed-cnn', 'small-cnn'] as const) {
    it(`${arch}: training on cached features equals training the full model with the prefix frozen`, async () => {
      const full = frozenModel(arch);
      const fullEpochs: EpochMetrics[] = [];
      await trainModel(full.model, { train, validation }, training, {
        seed: 5, inputShape: shape, numClasses: 3, callbacks: { onEpoch: (m) => void fullEpochs.push(m) },
      });

      const split = frozenModel(arch);
      const before = weightArrays(split.model);
      const plan = planFeatureCache(split.model, split.frozen, { augmentationOn: false, trainCount: 24, validationCount: 9 });
      expect(plan.cached).toBe(true);
      if (!plan.cached) return;
      expect(plan.note).toBe('frozen-feature cache: conv1..pool1 computed once per split (24 train, 9 val)');
      const cached = await cacheFrozenFeatures(split.model, plan, { train, validation }, shape);
      expect(cached.featureShape).toEqual(split.model.getLayer('pool1').outputShape.slice(1));
      const cachedEpochs: EpochMetrics[] = [];
      await trainModel(cached.rest, { train: cached.train, validation: cached.validation }, training, {
        seed: 5, inputShape: cached.featureShape, numClasses: 3, callbacks: { onEpoch: (m) => void cachedEpochs.push(m) },
      });

      // Training moved the full model's own weights (rest shares them), and by the same amounts.
      const after = weightArrays(split.model);
      expect(maxDifference(after, before)).toBeGreaterThan(1e-3);
      expect(maxDifference(after, weightArrays(full.model))).toBeLessThan(1e-4);
      const xs = tf.tensor(samplesToArray(validation.x), [9, ...shape]);
      const predictions = [full.model, split.model].map((m) => (m.predict(xs) as tf.Tensor).dataSync() as Float32Array);
      expect(maxDifference([predictions[0]], [predictions[1]])).toBeLessThan(1e-4);
      cachedEpochs.forEach((m, i) => {
        expect(m.loss).toBeCloseTo(fullEpochs[i].loss, 4);
        expect(m.valLoss!).toBeCloseTo(fullEpochs[i].valLoss!, 4);
      });
    });
  }

  it('is off, with a note saying why, under augmentation or a frozen set that is not a prefix', () => {
    const { model, frozen } = frozenModel('seed-cnn');
    expect(planFeatureCache(model, frozen, { augmentationOn: true, trainCount: 1, validationCount: 0 })).toEqual({
      cached: false,
      note: 'augmentation on: frozen-feature cache off',
    });
    expect(planFeatureCache(model, ['dense1'], { augmentationOn: false, trainCount: 1, validationCount: 0 }).cached).toBe(false);
    expect(planFeatureCache(model, [], { augmentationOn: false, trainCount: 1, validationCount: 0 })).toEqual({ cached: false });
    // Large features go to disk (feature-store.ts); beyond 16 GiB even that is refused.
    const huge = planFeatureCache(model, frozen, { augmentationOn: false, trainCount: 100_000_000, validationCount: 0 });
    expect(huge.cached).toBe(false);
    expect(huge.note).toMatch(/would take \d+ MB/);
  });
});
