// Formatting on the history pages: units and precision, missing values as a dash.
import { describe, expect, it } from 'vitest';
import {
  MISSING, formatBytes, formatDateTime, formatHyperparams, formatMetric, formatPageRange, runDurationMs, shortId,
} from '../../../renderer/src/lib/format';
import { runDatasetRef } from '../../../renderer/src/history/run-dataset';

describe('history formats', () => {
  it('writes page ranges with an en dash and thousands separators', () => {
    expect(formatPageRange(0, 50, 10_000)).toBe('1–50 of 10,000');
    expect(formatPageRange(9_950, 50, 10_000)).toBe('9,951–10,000 of 10,000');
    expect(formatPageRange(0, 0, 0)).toBe('0 of 0');
  });

  it('writes sizes, metrics and dates with units and sensible precision', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(5_539_097)).toBe('5.5 MB');
    expect(formatBytes(18_490_000)).toBe('18 MB');
    expect(formatBytes(null)).toBe(MISSING);
    expect(formatMetric(0.431234)).toBe('0.4312');
    expect(formatMetric(12.5)).toBe('12.5');
    expect(formatMetric(Number.NaN)).toBe(MISSING);
    expect(formatDateTime(new Date(2026, 10, 7, 9, 5).getTime())).toBe('2026-11-07 09:05');
    // A time no calendar can show (stored by an import before bundles were bounded): a dash, not "NaN-NaN".
    expect(formatDateTime(9007199254740991)).toBe(MISSING);
  });

  it('measures a run’s duration, counting on while it runs', () => {
    expect(runDurationMs({ startedAt: 1000, endedAt: 4000, status: 'completed' })).toBe(3000);
    expect(runDurationMs({ startedAt: 1000, endedAt: null, status: 'running' }, 6000)).toBe(5000);
    expect(runDurationMs({ startedAt: null, endedAt: null, status: 'queued' })).toBeNull();
    expect(runDurationMs({ startedAt: 1000, endedAt: null, status: 'interrupted' })).toBeNull();
  });

  it('summarises hyperparameters and shortens ids from their random end', () => {
    expect(formatHyperparams({ epochs: 2, batchSize: 16, optimizer: 'adam', learningRate: 0.001, seed: 3 })).toBe('2\u00a0ep · batch\u00a016 · adam · lr\u00a00.001');
    expect(formatHyperparams({})).toBe(MISSING);
    expect(shortId('01m8e9x2b9pqc0bh9mesdczmeg')).toBe('esdczmeg');
  });

  it('finds a run’s dataset in its experiment spec by role', () => {
    const spec = { seed: 9, source: { dataset: { kind: 'builtin', name: 'mnist' } }, target: { dataset: { kind: 'builtin', name: 'shapes' } } };
    expect(runDatasetRef(spec, 'source')).toEqual({ dataset: { kind: 'builtin', name: 'mnist' }, seed: 9 });
    expect(runDatasetRef(spec, 'baseline')).toEqual({ dataset: { kind: 'builtin', name: 'shapes' }, seed: 9 });
    expect(runDatasetRef({ source: { dataset: { kind: 'builtin', name: 'mnist' } } }, 'source')?.seed).toBe(42);
    expect(runDatasetRef({ source: {} }, 'target')).toBeNull();
    expect(runDatasetRef(null, 'source')).toBeNull();
  });
});
