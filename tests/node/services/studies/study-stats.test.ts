// The study's arithmetic against numbers worked out by hand (t-interval, verdicts, the
// recommendation and its tie-break), and the honesty case: identical transfer and baseline.
import { describe, expect, it } from 'vitest';
import { cellStats, recommend, tInterval, tQuantile975, sampleSd, NO_RELIABLE_SETTING, type PairedResult, type RecommendationInput } from '../../../../main/services/studies/study-stats';

const pairs = (gains: number[], baseline = 0.5): PairedResult[] =>
  gains.map((g, i) => ({ seed: i + 1, transferAccuracy: baseline + g, baselineAccuracy: baseline, epochReachingBaseline: null }));

describe('study statistics', () => {
  it('computes mean, sd and the 95 % t-interval of the paired gain (3 seeds, by hand)', () => {
    // gains 0.1, 0.2, 0.3: mean 0.2; sd = √((0.01 + 0 + 0.01) / 2) = 0.1;
    // half-width = t(0.975, 2) · 0.1 / √3 = 4.303 · 0.0577350 = 0.248434
    const s = cellStats(pairs([0.1, 0.2, 0.3]));
    expect(s.meanGain).toBeCloseTo(0.2, 12);
    expect(s.sdGain).toBeCloseTo(0.1, 12);
    expect(s.interval?.[0]).toBeCloseTo(-0.048434, 5);
    expect(s.interval?.[1]).toBeCloseTo(0.448434, 5);
    expect(s.verdict).toBe('within-noise');
    expect(s.verdictText).toBe('within noise: +20.0 points (95 % interval −4.8 to +44.8, 3 seeds)');
  });

  it('says "helps" when the interval lies above 0 (5 seeds, by hand)', () => {
    // gains .10 .12 .14 .16 .18: mean .14; Σ(d − mean)² = .004, sd = √.001 = .0316228;
    // half-width = 2.776 · .0316228 / √5 = .0392586 → [.1007414, .1792586]
    const s = cellStats(pairs([0.1, 0.12, 0.14, 0.16, 0.18]));
    expect(s.interval?.[0]).toBeCloseTo(0.1007414, 6);
    expect(s.interval?.[1]).toBeCloseTo(0.1792586, 6);
    expect(s.verdict).toBe('helps');
    expect(s.verdictText).toBe('transfer helps: +14.0 points (95 % interval +10.1 to +17.9, 5 seeds)');
  });

  it('says "hurts" when the interval lies below 0, and averages accuracies and epochs to the baseline', () => {
    const s = cellStats([
      { seed: 1, transferAccuracy: 0.6, baselineAccuracy: 0.8, epochReachingBaseline: null },
      { seed: 2, transferAccuracy: 0.62, baselineAccuracy: 0.8, epochReachingBaseline: 4 },
      { seed: 3, transferAccuracy: 0.58, baselineAccuracy: 0.8, epochReachingBaseline: 2 },
    ]);
    // gains −.2, −.18, −.22: mean −.2, sd .02, half = 4.303 · .02 / √3 = .0496868
    expect(s.interval?.[1]).toBeCloseTo(-0.1503132, 6);
    expect(s.verdict).toBe('hurts');
    expect(s.meanTransferAccuracy).toBeCloseTo(0.6, 12);
    expect(s.meanBaselineAccuracy).toBeCloseTo(0.8, 12);
    expect(s.meanEpochsToBaseline).toBe(3);
    expect(s.reachedBaseline).toBe(2);
  });

  it('gives one seed no interval and no verdict beyond "too few"', () => {
    const s = cellStats(pairs([0.3]));
    expect(s.interval).toBeNull();
    expect(s.sdGain).toBeNull();
    expect(s.verdict).toBe('too-few-seeds');
    expect(s.verdictText).toContain('repeat with more seeds');
  });

  it('honesty: a transfer identical to its baseline on every seed is "within noise", never "helps"', () => {
    const s = cellStats([0.7, 0.55, 0.9].map((acc, i) => ({ seed: i, transferAccuracy: acc, baselineAccuracy: acc, epochReachingBaseline: 1 })));
    expect(s.meanGain).toBe(0);
    expect(s.interval).toEqual([0, 0]);
    expect(s.verdict).toBe('within-noise');
    expect(recommend([{ key: 'c1', label: 'x', trainableParams: 10, stats: s }]).text).toBe(NO_RELIABLE_SETTING);
  });

  it('uses the tabled t quantiles and the n − 1 standard deviation', () => {
    expect(tQuantile975(1)).toBe(12.706);
    expect(tQuantile975(4)).toBe(2.776);
    expect(tQuantile975(30)).toBe(2.042);
    expect(tQuantile975(1000)).toBe(1.98);
    expect(() => tQuantile975(0)).toThrow(/degrees of freedom/);
    expect(sampleSd([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(2.138090, 6); // population sd 2, × √(8/7)
    expect(tInterval([1])).toBeNull();
  });
});

describe('the recommendation', () => {
  const cell = (key: string, gains: number[], trainableParams: number | null): RecommendationInput =>
    ({ key, label: `setting ${key}`, trainableParams, stats: cellStats(pairs(gains)) });

  it('picks the best mean gain among cells whose interval excludes 0', () => {
    const r = recommend([
      cell('wide', [0.0, 0.5, 0.9], 100), // mean .47 but the interval includes 0
      cell('small', [0.1, 0.11, 0.12], 100),
      cell('large', [0.2, 0.21, 0.22], 500),
    ]);
    expect(r.cellKey).toBe('large');
    expect(r.text).toBe('setting large: +21.0 points over training from scratch (3 seeds, 500 trainable parameters)');
  });

  it('breaks a tie in mean gain by fewer trainable parameters', () => {
    const r = recommend([cell('many', [0.2, 0.21, 0.22], 5000), cell('few', [0.22, 0.21, 0.2], 300)]);
    expect(r.cellKey).toBe('few');
  });

  it('says no setting reliably beats training from scratch when none helps', () => {
    const r = recommend([cell('a', [-0.1, 0.2, 0.05], 1), cell('b', [-0.2, -0.21, -0.22], 1)]);
    expect(r).toEqual({ cellKey: null, text: NO_RELIABLE_SETTING });
  });
});
