// How numbers read on every page (UI.md: a unit and a sensible precision each):
// 93.4 %, 1,240 samples/s, 2 min 10 s, 12,345 parameters.

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
