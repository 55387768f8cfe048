// A run's phase timings as the worker recorded them (environment.timings, read by
// contract/timings.ts): rows for the run page.
import { formatPhaseMs, readTimings, timingsTotalMs } from '@contract/timings';

export interface TimingRow {
  label: string;
  ms: number;
  detail?: string;
}

export function timingRows(environment: unknown): TimingRow[] {
  const t = readTimings(environment);
  if (!t) return [];
  const onThreads = t.inferenceThreads && t.inferenceThreads > 1 ? `${t.inferenceThreads} threads` : undefined;
  const rows: TimingRow[] = [{ label: 'Loading data', ms: t.loadMs, detail: t.loadMs === 0 ? 'reused from the previous run' : undefined }];
  if (t.featuresMs !== undefined) {
    // A feature pass that started while the images decoded (a cold image folder): that part of
    // it is also in the loading time, so the total counts it once.
    const overlap = t.featuresDuringLoadMs ? `${formatPhaseMs(t.featuresDuringLoadMs)} of it while loading` : undefined;
    const detail = [onThreads, overlap].filter(Boolean).join('; ');
    rows.push({ label: 'Feature pass', ms: t.featuresMs, detail: detail || undefined });
  }
  if (t.trainMs !== undefined) rows.push({ label: 'Training', ms: t.trainMs });
  if (t.evaluateMs !== undefined) rows.push({ label: 'Evaluation', ms: t.evaluateMs });
  rows.push({ label: 'Total', ms: timingsTotalMs(t) });
  return rows;
}
