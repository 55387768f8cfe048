// Where a run's time went, as the worker records it (environment.timings) and as the CLI's
// `show` and the run page read it back. Stored JSON may come from an older or imported run,
// so reading is defensive: a value that is not a finite, non-negative number is left out.

/** Where a phase's time went, in milliseconds (absent: the phase did not get that far or had no such step). */
export interface PhaseTimings {
  /** Listing and decoding the data (or opening its cache); 0 when an earlier phase loaded it. */
  loadMs: number;
  /** The frozen prefix's one pass over the data, when its features were cached. */
  featuresMs?: number;
  /**
   * How much of featuresMs ran while the data loaded: on a cold image cache the pass can start
   * as the images decode (training/overlapped-features.ts), so that part is in loadMs too.
   */
  featuresDuringLoadMs?: number;
  trainMs?: number;
  /** The test-set evaluation. */
  evaluateMs?: number;
  /** Threads the feature pass and evaluation ran on. */
  inferenceThreads?: number;
}

const finite = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);

/** The timings kept in a run's environment, or null when there are none (or no load time). */
export function readTimings(environment: unknown): PhaseTimings | null {
  const t = (environment as { timings?: Record<string, unknown> } | null)?.timings;
  if (!t || typeof t !== 'object') return null;
  const loadMs = finite(t.loadMs);
  if (loadMs === undefined) return null;
  const featuresMs = finite(t.featuresMs);
  const during = finite(t.featuresDuringLoadMs);
  // Only a part of both the pass and the load can have overlapped.
  const featuresDuringLoadMs = during !== undefined && during > 0 && featuresMs !== undefined && during <= featuresMs && during <= loadMs ? during : undefined;
  return { loadMs, featuresMs, featuresDuringLoadMs, trainMs: finite(t.trainMs), evaluateMs: finite(t.evaluateMs), inferenceThreads: finite(t.inferenceThreads) };
}

/** The run's wall time: the overlapped part of the feature pass is already counted in the load. */
export function timingsTotalMs(t: PhaseTimings): number {
  return t.loadMs + (t.featuresMs ?? 0) - (t.featuresDuringLoadMs ?? 0) + (t.trainMs ?? 0) + (t.evaluateMs ?? 0);
}

/** "850 ms", "8.4 s", "2 min 5 s": a phase's duration at the precision its size needs. */
export function formatPhaseMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms - minutes * 60_000) / 1000)} s`;
}
