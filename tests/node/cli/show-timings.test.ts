// What `show` prints of a run's recorded phase timings (services/phase-timings.ts).
import { describe, expect, it } from 'vitest';
import { describeTimings, runTimings } from '../../../main/services/phase-timings';

describe('show: phase timings', () => {
  it('reads the timings from the run environment and names each phase with the total', () => {
    const t = runTimings({ environment: { backend: 'wasm', timings: { loadMs: 2100, featuresMs: 8400, trainMs: 3000, evaluateMs: 1200, inferenceThreads: 2 } } });
    expect(describeTimings(t!)).toBe('load 2.1 s · feature pass 8.4 s (2 threads) · training 3.0 s · evaluation 1.2 s · total 14.7 s');
    const baseline = runTimings({ environment: { backend: 'wasm', timings: { loadMs: 0, trainMs: 125_000, evaluateMs: 900 } } });
    expect(describeTimings(baseline!)).toBe('load 0 (data of the previous run reused) · training 2 min 5 s · evaluation 900 ms · total 2 min 6 s');
  });

  it('says how much of an overlapped feature pass ran during loading, and counts that time once in the total', () => {
    const t = runTimings({ environment: { backend: 'wasm', timings: { loadMs: 10_000, featuresMs: 12_000, featuresDuringLoadMs: 9_500, trainMs: 3000, evaluateMs: 1000, inferenceThreads: 2 } } });
    expect(t!.featuresDuringLoadMs).toBe(9_500);
    expect(describeTimings(t!)).toBe('load 10.0 s · feature pass 12.0 s (2 threads; 9.5 s of it while loading) · training 3.0 s · evaluation 1.0 s · total 16.5 s');
    // A value that cannot be a part of the pass is ignored.
    const odd = runTimings({ environment: { backend: 'wasm', timings: { loadMs: 100, featuresMs: 50, featuresDuringLoadMs: 80 } } });
    expect(odd!.featuresDuringLoadMs).toBeUndefined();
  });

  it('ignores runs without timings or with values that are not durations', () => {
    expect(runTimings({ environment: null })).toBeNull();
    expect(runTimings({ environment: { backend: 'wasm' } })).toBeNull();
    expect(runTimings({ environment: { backend: 'wasm', timings: { loadMs: 'soon' } } })).toBeNull();
    expect(runTimings({ environment: { backend: 'wasm', timings: { loadMs: 5, trainMs: -1 } } })!.trainMs).toBeUndefined();
  });
});
