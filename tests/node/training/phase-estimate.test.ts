// Phase estimates (phase-estimate.ts): the arithmetic from counts and a measured forward
// time, and the calibration on a real model.
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../main/engine/accel/backend';
import { buildModel } from '../../../main/engine/model';
import { describeEstimate, estimatePhase, forwardMsPerSample } from '../../../main/training/phase-estimate';

beforeAll(async () => {
  await selectBackend('wasm');
});

describe('phase estimate', () => {
  it('prices a cached transfer run and the from-scratch baseline after it', () => {
    // 1,000 train, 0 validation, 250 test; 10 ms per sample full model, 0.01 ms for the head; 1 thread.
    const e = estimatePhase({ counts: { train: 1000, validation: 0, test: 250 }, epochs: 5, threads: 1, fullMs: 10, trainedMs: 0.01, cached: true, baseline: true });
    expect(e.featuresMs).toBeCloseTo(10_000, 6);
    expect(e.trainMs).toBeCloseTo(5 * 3 * 1000 * 0.01, 6);
    expect(e.evaluateMs).toBeCloseTo(2_500, 6);
    // Every layer, every sample, every epoch, three passes each: 150 s, plus the evaluation.
    expect(e.baselineMs).toBeCloseTo(150_000 + 2_500, 6);
    expect(describeEstimate(e)).toBe('estimated: feature pass ~10 s, training ~1 s, evaluation ~3 s; the from-scratch baseline after it ~2.5 min');
    // Two threads share the work (at 80 % efficiency); no cache means no feature pass.
    const two = estimatePhase({ counts: { train: 1000, validation: 100, test: 250 }, epochs: 2, threads: 2, fullMs: 10, trainedMs: 10, cached: false, baseline: false });
    expect(two.featuresMs).toBeUndefined();
    expect(two.baselineMs).toBeUndefined();
    expect(two.trainMs).toBeCloseTo(2 * ((3 * 1000 * 10) / 1.6 + (100 * 10) / 1.6), 6);
  });

  it('prices the forward-only passes at the folded forward and training at the full one', () => {
    const e = estimatePhase({ counts: { train: 1000, validation: 0, test: 250 }, epochs: 1, threads: 1, fullMs: 10, inferenceMs: 4, trainedMs: 0.01, cached: true, baseline: true });
    expect(e.featuresMs).toBeCloseTo(4_000, 6);
    expect(e.evaluateMs).toBeCloseTo(1_000, 6);
    // The baseline trains the full model (not folded: its statistics move) and evaluates folded.
    expect(e.baselineMs).toBeCloseTo(3 * 1000 * 10 + 1_000, 6);
  });

  it('calibrates on the model: a bigger input costs more per sample', async () => {
    const small = await forwardMsPerSample(buildModel('seed-cnn', [16, 16, 3], 4, 1), [16, 16, 3]);
    const large = await forwardMsPerSample(buildModel('seed-cnn', [96, 96, 3], 4, 1), [96, 96, 3]);
    expect(small).toBeGreaterThan(0);
    expect(large).toBeGreaterThan(small);
  });
});
