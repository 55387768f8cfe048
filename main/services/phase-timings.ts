// A run's recorded phase timings (contract/timings.ts, kept in its environment JSON) put into
// words for the CLI's `show`.
import { formatPhaseMs, readTimings, timingsTotalMs, type PhaseTimings } from '@contract/timings';

/** The timings kept in a run's environment (a store row or the contract's run), or null. */
export function runTimings(run: { environment: unknown }): PhaseTimings | null {
  return readTimings(run.environment);
}

/** "load 2.1 s · feature pass 8.4 s (2 threads) · training 3.0 s · evaluation 1.2 s · total 14.7 s" (with "; 1.5 s of it while loading" when the pass overlapped the load). */
export function describeTimings(t: PhaseTimings): string {
  const parts = [`load ${t.loadMs === 0 ? '0 (data of the previous run reused)' : formatPhaseMs(t.loadMs)}`];
  const threadCount = t.inferenceThreads && t.inferenceThreads > 1 ? `${t.inferenceThreads} threads` : '';
  const threads = threadCount ? ` (${threadCount})` : '';
  if (t.featuresMs !== undefined) {
    const overlap = t.featuresDuringLoadMs ? `${formatPhaseMs(t.featuresDuringLoadMs)} of it while loading` : '';
    const detail = [threadCount, overlap].filter(Boolean).join('; ');
    parts.push(`feature pass ${formatPhaseMs(t.featuresMs)}${detail ? ` (${detail})` : ''}`);
  }
  if (t.trainMs !== undefined) parts.push(`training ${formatPhaseMs(t.trainMs)}`);
  if (t.evaluateMs !== undefined) parts.push(`evaluation ${formatPhaseMs(t.evaluateMs)}${t.featuresMs === undefined ? threads : ''}`);
  parts.push(`total ${formatPhaseMs(timingsTotalMs(t))}`);
  return parts.join(' · ');
}
