// How the Study page writes its numbers: points of gain with a sign, percentages, an estimate.
import type { StudyCellReport } from '@contract';

export function pointsText(x: number | null): string {
  return x === null ? '–' : `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)}`;
}

export function percentText(x: number | null): string {
  return x === null ? '–' : `${(x * 100).toFixed(1)} %`;
}

export function etaText(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return 'estimating time left…';
  const s = Math.round(ms / 1000);
  return s < 60 ? `about ${s} s left` : `about ${Math.floor(s / 60)} min ${s % 60} s left`;
}

export function verdictWords(verdict: StudyCellReport['verdict']): string {
  return { helps: 'helps', hurts: 'hurts', 'within-noise': 'within noise', 'too-few-seeds': 'too few seeds' }[verdict];
}
