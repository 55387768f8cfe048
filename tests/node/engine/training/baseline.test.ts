// The from-scratch baseline must train every layer, even when it is re-initialised from a
// transferred model whose config carries the target's frozen layers (a reused source run).
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { buildModel, transferModel, applyFreeze, resolveFrozenLayers, getWeightsSnapshot } from '../../../../main/engine/model';
import { baselineModel, baselineRegularization } from '../../../../main/training/phase-settings';
import { parseExperimentSpec } from '@contract/spec';
import { tinySpec } from '../../training/tiny-specs';

describe('baseline', () => {
  for (const reused of [false, true]) {
    it(`is fully trainable and randomly initialised (${reused ? 'reused source run' : 'built-in architecture'})`, () => {
      const input = tinySpec({ baseline: true });
      const spec = parseExperimentSpec(reused ? { ...input, source: { run: 'abc' } } : input);
      // A "trained" source: its weights moved away from their seeded initial values.
      const source = buildModel('seed-cnn', [8, 8, 1], 4, 1);
      for (const w of source.weights) w.write(tf.tidy(() => w.read().add(0.5)));
      const transferred = transferModel(source, { numClasses: 2, head: 'replace', seed: 3 });
      applyFreeze(transferred, resolveFrozenLayers(transferred, 'all-but-head'));
      const baseline = baselineModel(spec, transferred, [8, 8, 1], 2);
      expect(baseline.trainableWeights.length).toBe(baseline.weights.length);
      expect(baseline.layers.every((l) => l.trainable)).toBe(true);
      const before = getWeightsSnapshot(transferred).get('conv1/kernel')!;
      const fresh = getWeightsSnapshot(baseline).get('conv1/kernel')!;
      expect(fresh.every((v, i) => Math.abs(v - before[i]) > 1e-6)).toBe(true);
    });
  }

  it('keeps plain L2 weight decay but drops L2-SP, which has no source to pull toward', () => {
    expect(baselineRegularization({ kind: 'l2', weight: 0.01 })).toEqual({ kind: 'l2', weight: 0.01 });
    expect(baselineRegularization({ kind: 'l2-sp', alpha: 0.1, beta: 0.01 })).toEqual({ kind: 'none' });
  });
});
