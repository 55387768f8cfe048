// The transfer gain's 95 % interval: a paired bootstrap over the test images, checked
// against cases worked out by hand, and the gain computed from two real evaluations.
import { floatSamples } from '../../../main/engine/data/datasets/samples';
import { describe, expect, it } from 'vitest';
import { pairedBootstrapInterval, correctnessOf } from '../../../main/services/paired-bootstrap';
import { computeTransferGain } from '../../../main/services/transfer-gain';
import { evaluateProbabilities } from '../../../main/engine/training/evaluate';

describe('pairedBootstrapInterval', () => {
  it('is a single point when every image differs the same way', () => {
    // Transfer right and baseline wrong on all 4 images: every resample's mean is +1.
    expect(pairedBootstrapInterval([1, 1, 1, 1], [0, 0, 0, 0])).toMatchObject({ low: 1, high: 1, level: 0.95 });
    // Both right on every image: the gain is 0 with no doubt at all.
    expect(pairedBootstrapInterval([1, 1, 1], [1, 1, 1])).toMatchObject({ low: 0, high: 0 });
  });

  it('matches the exact bootstrap distribution of three images, worked out by hand', () => {
    // Differences [+1, 0, 0]. A resample of 3 holds k copies of the +1 with probability
    // C(3,k)(1/3)^k(2/3)^(3−k): k=0 8/27 (0.296), k=1 12/27, k=2 6/27, k=3 1/27; the mean is k/3.
    // Cumulative: 0.296, 0.741, 0.963, 1. The 2.5th percentile is at k=0 (mean 0) and the
    // 97.5th beyond 0.963, at k=3 (mean 1): the interval is [0, 1].
    const interval = pairedBootstrapInterval([1, 0, 1], [0, 0, 1], { resamples: 20_000 });
    expect(interval?.low).toBe(0);
    expect(interval?.high).toBe(1);
  });

  it('matches the normal approximation worked out by hand for 1,000 images', () => {
    // 100 images only transfer gets right, 50 only the baseline, 850 the same: the mean
    // difference is 0.05; the differences' variance is 0.15 − 0.05² = 0.1475, so the standard
    // error is √(0.1475 / 1000) = 0.01214 and the 95 % interval 0.05 ± 1.96 × 0.01214 =
    // [0.0262, 0.0738].
    const target = new Array<number>(1000).fill(0);
    const baseline = new Array<number>(1000).fill(0);
    for (let i = 0; i < 100; i++) target[i] = 1;
    for (let i = 100; i < 150; i++) baseline[i] = 1;
    for (let i = 150; i < 600; i++) target[i] = baseline[i] = 1;
    const interval = pairedBootstrapInterval(target, baseline)!;
    expect(interval.low).toBeCloseTo(0.0262, 2);
    expect(interval.high).toBeCloseTo(0.0738, 2);
    expect(Math.abs(interval.low - 0.0262)).toBeLessThan(0.004);
    expect(Math.abs(interval.high - 0.0738)).toBeLessThan(0.004);
    // The same inputs always give the same interval (a fixed seed).
    expect(pairedBootstrapInterval(target, baseline)).toEqual(interval);
  });

  it('refuses samples that do not pair up', () => {
    expect(() => pairedBootstrapInterval([1, 0], [1])).toThrow(/2 vs 1/);
    expect(pairedBootstrapInterval([], [])).toBeNull();
  });
});

describe('computeTransferGain', () => {
  // Four test images of two classes; probabilities row by row.
  const split = { x: floatSamples(new Float32Array(4), 1), y: new Int32Array([0, 1, 0, 1]), ids: ['a', 'b', 'c', 'd'] };
  const names = ['zero', 'one'];
  const target = evaluateProbabilities(new Float32Array([0.9, 0.1, 0.2, 0.8, 0.7, 0.3, 0.6, 0.4]), split, names);
  const baseline = evaluateProbabilities(new Float32Array([0.9, 0.1, 0.6, 0.4, 0.4, 0.6, 0.6, 0.4]), split, names);

  it('keeps per-image correctness from the evaluation', () => {
    expect(target.correct).toBe('1110');
    expect(baseline.correct).toBe('1000');
    expect(correctnessOf(target.correct!)).toEqual(new Uint8Array([1, 1, 1, 0]));
  });

  it('gives the gain on the test set, its size and its paired interval, and names the curve "reached" compares', () => {
    const epochs = [
      { epoch: 1, loss: 1, accuracy: 0.5, valAccuracy: 0.5, durationMs: 1, samplesPerSec: 1 },
      { epoch: 2, loss: 1, accuracy: 0.9, valAccuracy: 0.75, durationMs: 1, samplesPerSec: 1 },
    ];
    const gain = computeTransferGain({ runId: 't', evaluation: target, epochs }, { runId: 'b', evaluation: baseline, epochs: [epochs[0]] })!;
    expect(gain.accuracyDelta).toBeCloseTo(0.5);
    expect(gain.testCount).toBe(4);
    expect(gain.reachedOn).toBe('validation');
    expect(gain.epochReachingBaseline).toBe(1);
    // Differences [0, +1, +1, 0]: resampled means range over 0, ¼, ½, ¾, 1; P(mean = 0) =
    // (1/2)^4 = 0.0625 > 0.025, so the lower end is 0, and likewise the upper end is 1.
    expect(gain.interval).toMatchObject({ low: 0, high: 1 });
  });

  it('gives no interval when the two evaluations are not on the same images', () => {
    const other = evaluateProbabilities(new Float32Array([0.9, 0.1, 0.6, 0.4, 0.4, 0.6, 0.6, 0.4]), { ...split, ids: ['e', 'f', 'g', 'h'] }, names);
    expect(computeTransferGain({ runId: 't', evaluation: target, epochs: [] }, { runId: 'b', evaluation: other, epochs: [] })?.interval).toBeNull();
  });
});
