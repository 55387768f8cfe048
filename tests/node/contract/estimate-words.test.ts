// The words the wizard and the CLI use for an estimate before Start (contract/estimate.ts).
import { describe, expect, it } from 'vitest';
import { approxDuration, baselineRatio, describeBaselineCost, describeExperimentEstimate, describeRatio, experimentEstimateSchema, type ExperimentEstimate, type PhaseCost } from '@contract';

const samples = { train: 80, validation: 20, test: 500 };
const phase = (parts: Partial<PhaseCost> & { trainMs: number; evaluateMs: number }): PhaseCost => ({
  ...parts,
  totalMs: (parts.featuresMs ?? 0) + parts.trainMs + parts.evaluateMs,
  samples,
  epochs: 5,
  inputShape: [28, 28, 1],
  featuresCached: parts.featuresMs !== undefined,
});

const estimate: ExperimentEstimate = {
  source: phase({ trainMs: 150_000, evaluateMs: 4_000 }),
  target: phase({ featuresMs: 12_000, trainMs: 500, evaluateMs: 7_500 }),
  baseline: phase({ trainMs: 172_000, evaluateMs: 8_000 }),
  totalMs: 154_000 + 20_000 + 180_000,
  threads: 2,
  backend: 'wasm',
  basis: 'timed here',
};

describe('estimate words', () => {
  it('says each phase with its parts, sub-second parts as "under 1 s"', () => {
    expect(experimentEstimateSchema.parse(estimate)).toEqual(estimate);
    expect(describeExperimentEstimate(estimate)).toBe(
      'source training ~2.6 min (training ~2.5 min, evaluation ~4 s); fine-tuning ~20 s (feature pass ~12 s, training under 1 s, evaluation ~8 s); baseline from scratch ~3.0 min',
    );
    expect(describeExperimentEstimate({ ...estimate, source: undefined, baseline: undefined })).toBe('fine-tuning ~20 s (feature pass ~12 s, training under 1 s, evaluation ~8 s)');
    expect(approxDuration(999)).toBe('under 1 s');
    expect(approxDuration(45 * 60_000)).toBe('~45 min');
  });

  it('puts the baseline against the fine-tuning', () => {
    expect(baselineRatio(estimate)).toBeCloseTo(9, 10);
    expect(describeBaselineCost(estimate)).toBe('the from-scratch baseline takes ~3.0 min, about 9× the fine-tuning');
    expect(describeRatio(1.42)).toBe('about 1.4× the fine-tuning');
    expect(describeRatio(0.8)).toBe('less than the fine-tuning');
    expect(baselineRatio({ ...estimate, baseline: undefined })).toBeNull();
    expect(describeBaselineCost({ ...estimate, baseline: undefined })).toBeNull();
  });
});
