// What the wizard says beside a baseline toggle, from the estimate's state, and the estimate
// as it reads with the baseline left out (the wizard asks with it on, so its cost is known).
import { describe, expect, it } from 'vitest';
import type { ExperimentEstimate } from '@contract';
import { baselineCostText, withoutBaseline } from '../../../renderer/src/wizard/cost-estimate.svelte';

const samples = { train: 80, validation: 20, test: 500 };
const estimate: ExperimentEstimate = {
  target: { featuresMs: 12_000, trainMs: 500, evaluateMs: 7_500, totalMs: 20_000, samples, epochs: 5, inputShape: [28, 28, 1], featuresCached: true },
  baseline: { trainMs: 172_000, evaluateMs: 8_000, totalMs: 180_000, samples, epochs: 5, inputShape: [28, 28, 1], featuresCached: false },
  totalMs: 200_000,
  threads: 2,
  backend: 'wasm',
  basis: 'timed here',
};

describe("the baseline toggle's words", () => {
  it('says what the baseline costs when on, and what leaving it out saves when off', () => {
    expect(baselineCostText({ status: 'ready', estimate }, true)).toBe('On this machine it takes ~3.0 min, about 9× the fine-tuning.');
    expect(baselineCostText({ status: 'ready', estimate }, false)).toBe(
      'On this machine, leaving it out saves ~3.0 min, about 9× the fine-tuning; the results will then have no comparison with training from scratch.',
    );
  });

  it('is quiet while estimating, says when it could not, and keeps the general advice otherwise', () => {
    expect(baselineCostText({ status: 'estimating', previous: null }, true)).toBe('Estimating what it costs on this machine…');
    expect(baselineCostText({ status: 'failed', error: new Error('no') }, true)).toBe('What it costs on this machine could not be estimated.');
    expect(baselineCostText({ status: 'idle' }, true)).toBeNull();
    expect(baselineCostText({ status: 'ready', estimate: withoutBaseline(estimate) }, true)).toBeNull();
  });

  it('leaves the baseline out of the estimate and its total', () => {
    const off = withoutBaseline(estimate);
    expect(off.baseline).toBeUndefined();
    expect(off.totalMs).toBe(20_000);
    expect(off.target).toEqual(estimate.target);
  });
});
