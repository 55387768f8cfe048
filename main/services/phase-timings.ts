// A run's recorded phase timings (training/protocol.ts PhaseTimings, kept in its environment
// JSON) read back safely and put into words for the CLI's `show`.

export interface RecordedTimings {
  loadMs: number;
  featuresMs?: number;
  /** The part of featuresMs that ran while the data loaded (a feature pass overlapped with decoding). */
  featuresDuringLoadMs?: number;
  trainMs?: number;
  evaluateMs?: number;
  inferenceThreads?: number;
}

const finite = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);

/** The timings kept in a run's environment (a store row or the contract's run), or null. */
export function runTimings(run: { environment: unknown }): RecordedTimings | null {
  const t = (run.environment as { timings?: Record<string, unknown> } | null)?.timings;
  if (!t || typeof t !== 'object') return null;
  const loadMs = finite(t.loadMs);
  if (loadMs === undefined) return null;
  const featuresMs = finite(t.featuresMs);
  const during = finite(t.featuresDuringLoadMs);
  // Only a part of both the pass and the load can have overlapped.
  const featuresDuringLoadMs = during !== undefined && featuresMs !== undefined && during <= featuresMs && during <= loadMs ? during : undefined;
  return { loadMs, featuresMs, featuresDuringLoadMs, trainMs: finite(t.trainMs), evaluateMs: finite(t.evaluateMs), inferenceThreads: finite(t.inferenceThreads) };
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms - minutes * 60_000) / 1000)} s`;
}

/** "load 2.1 s · feature pass 8.4 s (2 threads) · training 3.0 s · evaluation 1.2 s · total 14.7 s" (with "; 1.5 s of it while loading" when the pass overlapped the load). */
export function describeTimings(t: RecordedTimings): string {
  const parts = [`load ${t.loadMs === 0 ? '0 (data of the previous run reused)' : formatDuration(t.loadMs)}`];
  const threadCount = t.inferenceThreads && t.inferenceThreads > 1 ? `${t.inferenceThreads} threads` : '';
  const threads = threadCount ? ` (${threadCount})` : '';
  if (t.featuresMs !== undefined) {
    const overlap = t.featuresDuringLoadMs ? `${formatDuration(t.featuresDuringLoadMs)} of it while loading` : '';
    const detail = [threadCount, overlap].filter(Boolean).join('; ');
    parts.push(`feature pass ${formatDuration(t.featuresMs)}${detail ? ` (${detail})` : ''}`);
  }
  if (t.trainMs !== undefined) parts.push(`training ${formatDuration(t.trainMs)}`);
  if (t.evaluateMs !== undefined) parts.push(`evaluation ${formatDuration(t.evaluateMs)}${t.featuresMs === undefined ? threads : ''}`);
  // The overlapped part of the feature pass is wall time already counted in the load.
  const total = t.loadMs + (t.featuresMs ?? 0) - (t.featuresDuringLoadMs ?? 0) + (t.trainMs ?? 0) + (t.evaluateMs ?? 0);
  parts.push(`total ${formatDuration(total)}`);
  return parts.join(' · ');
}
