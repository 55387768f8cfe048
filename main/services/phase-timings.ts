// A run's recorded phase timings (training/protocol.ts PhaseTimings, kept in its environment
// JSON) read back safely and put into words for the CLI's `show`.

export interface RecordedTimings {
  loadMs: number;
  featuresMs?: number;
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
  return { loadMs, featuresMs: finite(t.featuresMs), trainMs: finite(t.trainMs), evaluateMs: finite(t.evaluateMs), inferenceThreads: finite(t.inferenceThreads) };
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms - minutes * 60_000) / 1000)} s`;
}

/** "load 2.1 s · feature pass 8.4 s (2 threads) · training 3.0 s · evaluation 1.2 s · total 14.7 s". */
export function describeTimings(t: RecordedTimings): string {
  const parts = [`load ${t.loadMs === 0 ? '0 (data of the previous run reused)' : formatDuration(t.loadMs)}`];
  const threads = t.inferenceThreads && t.inferenceThreads > 1 ? ` (${t.inferenceThreads} threads)` : '';
  if (t.featuresMs !== undefined) parts.push(`feature pass ${formatDuration(t.featuresMs)}${threads}`);
  if (t.trainMs !== undefined) parts.push(`training ${formatDuration(t.trainMs)}`);
  if (t.evaluateMs !== undefined) parts.push(`evaluation ${formatDuration(t.evaluateMs)}${t.featuresMs === undefined ? threads : ''}`);
  const total = t.loadMs + (t.featuresMs ?? 0) + (t.trainMs ?? 0) + (t.evaluateMs ?? 0);
  parts.push(`total ${formatDuration(total)}`);
  return parts.join(' · ');
}
