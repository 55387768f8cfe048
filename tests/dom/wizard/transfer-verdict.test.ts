// The verdict never contradicts itself: each figure names its split, the headline gives the
// interval and the test-set size, and an interval containing 0 is called within noise.
import { describe, expect, it } from 'vitest';
import { noComparison, transferVerdict } from '../../../renderer/src/wizard/transfer-verdict';

const base = { targetAccuracy: 0.912, baselineAccuracy: 0.87, epochReachingBaseline: 3, reachedOn: 'validation' as const, testCount: 500 };

describe('transferVerdict', () => {
  it('says transfer helped only when the whole interval is above 0', () => {
    const v = transferVerdict({ ...base, accuracyDelta: 0.042, interval: { low: 0.011, high: 0.073, level: 0.95 } }, 10);
    expect(v.tone).toBe('helped');
    expect(v.headline).toBe('Transfer helped: +4.2 points of test accuracy (95 % interval +1.1 to +7.3 points, 500 target test images)');
    expect(v.detail).toContain('91.2 % with transfer vs 87.0 % from scratch, on the same 500 target test images');
    expect(v.detail).toContain("By validation accuracy, the fine-tuned model reached the baseline's final validation accuracy at epoch 3 of 10.");
  });

  it('calls a difference whose interval contains 0 within noise, whatever its sign', () => {
    for (const delta of [0.03, -0.039]) {
      const v = transferVerdict({ ...base, accuracyDelta: delta, interval: { low: -0.05, high: 0.06, level: 0.95 } }, 10);
      expect(v.tone).toBe('neutral');
      expect(v.headline).toMatch(/^Within noise: [+−]\d\.\d points of test accuracy \(95 % interval −5\.0 to \+6\.0 points, 500 target test images\)$/);
    }
  });

  it('says transfer hurt when the whole interval is below 0, and names the training curve when there was no validation split', () => {
    const v = transferVerdict({ ...base, accuracyDelta: -0.039, reachedOn: 'training', epochReachingBaseline: null, interval: { low: -0.07, high: -0.01, level: 0.95 } }, 10);
    expect(v.tone).toBe('hurt');
    expect(v.headline).toContain('Transfer hurt: −3.9 points of test accuracy');
    expect(v.detail).toContain("never reached the baseline's final training accuracy in 10 epochs");
  });

  it('says when a result has no interval', () => {
    expect(transferVerdict({ ...base, testCount: null, interval: null, accuracyDelta: 0.03 }, 5).headline).toBe(
      'Transfer helped: +3.0 points of test accuracy on the target test set (no interval: this result was recorded without per-image results)',
    );
  });
});

describe('noComparison', () => {
  it('says there is no comparison when the baseline was cancelled or failed, and waits while it trains', () => {
    expect(noComparison('cancelled')?.headline).toBe('No comparison: the baseline was cancelled');
    expect(noComparison('failed')?.headline).toBe('No comparison: the baseline failed');
    expect(noComparison('running')).toBeNull();
  });
});

describe('timeLeftText', () => {
  it('never says "about 0 ms"', async () => {
    const { timeLeftText } = await import('../../../renderer/src/wizard/training-series');
    expect(timeLeftText(0)).toBe('under a second');
    expect(timeLeftText(400)).toBe('under a second');
    expect(timeLeftText(65_000)).toBe('about 1 min 5 s');
    expect(timeLeftText(null)).toBe('—');
  });
});
