import { describe, expect, it } from 'vitest';
import { transferGainLine } from '../../../main/cli/transfer-gain-text';

const base = { targetAccuracy: 0.684, baselineAccuracy: 0.85, reachedOn: 'validation' as const, epochReachingBaseline: null };

describe('the transfer gain line the CLI prints', () => {
  it('gives the interval and the test-set size, and says hurt when the whole interval is below 0', () => {
    const line = transferGainLine({ ...base, accuracyDelta: -0.166, testCount: 975, interval: { low: -0.194, high: -0.139, level: 0.95, resamples: 2000 } });
    expect(line).toBe("transfer gain: −16.6 points of test accuracy (95 % interval −19.4 to −13.9, 975 test images): transfer hurt; by validation accuracy, never reached the baseline's final validation accuracy");
  });

  it('names no winner when the interval contains 0', () => {
    const line = transferGainLine({ ...base, accuracyDelta: 0.012, epochReachingBaseline: 4, testCount: 1200, interval: { low: -0.004, high: 0.029, level: 0.95, resamples: 2000 } });
    expect(line).toMatch(/^transfer gain: \+1\.2 points of test accuracy \(95 % interval −0\.4 to \+2\.9, 1,200 test images\): within noise/);
    expect(line).not.toMatch(/helped|hurt/);
    expect(line).toMatch(/reached the baseline's final validation accuracy at epoch 4$/);
  });

  it('says helped only when the whole interval is above 0, and which curve the epoch comes from', () => {
    const line = transferGainLine({ ...base, accuracyDelta: 0.2, reachedOn: 'training', epochReachingBaseline: 2, testCount: 30, interval: { low: 0.067, high: 0.333, level: 0.95, resamples: 2000 } });
    expect(line).toContain(': transfer helped; by training accuracy, reached the baseline\'s final training accuracy at epoch 2');
  });

  it('says so when a result was recorded without per-image results', () => {
    const line = transferGainLine({ ...base, accuracyDelta: 0.05, testCount: null, interval: null });
    expect(line).toBe("transfer gain: +5.0 points of test accuracy: no interval: this result was recorded without per-image results; by validation accuracy, never reached the baseline's final validation accuracy");
  });
});
