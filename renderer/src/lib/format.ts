// How values read on every page, in one module (UI.md: a unit and a sensible precision each):
// 93.4 %, 1,240 samples/s, 2 min 10 s, 12,345 parameters, 5.5 MB, "2026-11-27 10:47".
// Every value has its unit; a missing value is an em dash, so an empty cell never looks like zero.

export function percent(fraction: number | null | undefined, digits = 1): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '—';
  return `${(fraction * 100).toFixed(digits)} %`;
}

/** A difference in accuracy in percentage points, signed: "+6.1 points", "−2.0 points". */
export function points(delta: number, digits = 1): string {
  const value = (Math.abs(delta) * 100).toFixed(digits);
  const sign = Number(value) === 0 ? '±' : delta > 0 ? '+' : '−';
  return `${sign}${value} ${value === '1.0' ? 'point' : 'points'}`;
}

export function count(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return Math.round(n).toLocaleString('en-US');
}

export function rate(samplesPerSec: number | null | undefined): string {
  if (samplesPerSec === null || samplesPerSec === undefined || !Number.isFinite(samplesPerSec)) return '—';
  return `${samplesPerSec >= 100 ? count(samplesPerSec) : samplesPerSec.toFixed(1)} samples/s`;
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const totalSeconds = Math.round(ms / 1000);
  if (totalSeconds < 60) return `${totalSeconds} s`;
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (hours > 0) return `${hours} h ${minutes} min`;
  return seconds > 0 ? `${minutes} min ${seconds} s` : `${minutes} min`;
}

export function decimal(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return x.toFixed(digits);
}

// Sizes, dates, page ranges and a hyperparameter summary, for the history pages and Compare.

export const MISSING = '—';

/** 5_539_097 → "5.5 MB" (decimal units, as file managers show them). */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return MISSING;
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** A loss or other unitless metric: 4 significant digits, "0.4312". */
export function formatMetric(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return MISSING;
  return Math.abs(value) >= 1000 ? count(value) : Number(value.toPrecision(4)).toString();
}

/** A time a calendar can show (a history may hold any number, e.g. from an old import). */
function isShowableTime(epochMs: number | null | undefined): epochMs is number {
  return typeof epochMs === 'number' && Number.isFinite(epochMs) && !Number.isNaN(new Date(epochMs).getTime());
}

/** "2026-11-27 10:47": sortable, unambiguous, in the user's time zone. */
export function formatDateTime(epochMs: number | null | undefined): string {
  if (!isShowableTime(epochMs)) return MISSING;
  const d = new Date(epochMs);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** "1–50 of 10,000" (an en dash); "0 of 0" for an empty list. */
export function formatPageRange(offset: number, rowsOnPage: number, total: number): string {
  if (total === 0 || rowsOnPage === 0) return `0 of ${count(total)}`;
  return `${count(offset + 1)}–${count(offset + rowsOnPage)} of ${count(total)}`;
}

/** How long a run took, or has taken so far while it trains. */
export function runDurationMs(run: { startedAt: number | null; endedAt: number | null; status: string }, now = Date.now()): number | null {
  if (run.startedAt === null) return null;
  if (run.endedAt !== null) return run.endedAt - run.startedAt;
  return run.status === 'running' ? now - run.startedAt : null;
}

/** The last characters of an id: ids start with their creation time, so the end tells runs apart. */
export function shortId(id: string): string {
  return id.length > 10 ? id.slice(-8) : id;
}

/**
 * The hyperparameters people scan a table for: "2 ep · batch 16 · adam · lr 0.001". Each
 * item holds a no-break space, so a narrow cell wraps between items, never inside one.
 */
export function formatHyperparams(hyperparams: Record<string, unknown>): string {
  const parts: string[] = [];
  const { epochs, batchSize, optimizer, learningRate } = hyperparams;
  if (typeof epochs === 'number') parts.push(`${epochs}\u00a0ep`);
  if (typeof batchSize === 'number') parts.push(`batch\u00a0${batchSize}`);
  if (typeof optimizer === 'string') parts.push(optimizer);
  if (typeof learningRate === 'number') parts.push(`lr\u00a0${learningRate}`);
  return parts.length > 0 ? parts.join(' · ') : MISSING;
}
