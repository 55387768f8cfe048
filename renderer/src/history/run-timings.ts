// A run's phase timings as the worker recorded them (environment.timings): rows for the run
// page, read defensively since stored JSON may come from an older or imported run.
export interface TimingRow {
  label: string;
  ms: number;
  detail?: string;
}

const finite = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms - minutes * 60_000) / 1000)} s`;
}

export function timingRows(environment: unknown): TimingRow[] {
  const t = (environment as { timings?: Record<string, unknown> } | null)?.timings;
  if (!t || typeof t !== 'object') return [];
  const load = finite(t.loadMs);
  if (load === undefined) return [];
  const threads = finite(t.inferenceThreads);
  const onThreads = threads && threads > 1 ? `${threads} threads` : undefined;
  const rows: TimingRow[] = [{ label: 'Loading data', ms: load, detail: load === 0 ? 'reused from the previous run' : undefined }];
  const features = finite(t.featuresMs);
  // A feature pass that started while the images decoded (a cold image folder): that part of
  // it is also in the loading time, so the total counts it once.
  const during = finite(t.featuresDuringLoadMs);
  const overlap = features !== undefined && during !== undefined && during > 0 && during <= features && during <= load ? during : 0;
  if (features !== undefined) {
    const detail = [onThreads, overlap > 0 ? `${formatMs(overlap)} of it while loading` : undefined].filter(Boolean).join('; ');
    rows.push({ label: 'Feature pass', ms: features, detail: detail || undefined });
  }
  const train = finite(t.trainMs);
  if (train !== undefined) rows.push({ label: 'Training', ms: train });
  const evaluate = finite(t.evaluateMs);
  if (evaluate !== undefined) rows.push({ label: 'Evaluation', ms: evaluate });
  rows.push({ label: 'Total', ms: rows.reduce((sum, r) => sum + r.ms, 0) - overlap });
  return rows;
}
