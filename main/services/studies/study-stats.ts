// What a study reports: per cell, the transfer gain over seeds with its uncertainty, a verdict
// in words, and a recommendation across cells. Pure arithmetic, tested against hand-computed
// values (tests/node/services/studies/study-stats.test.ts).
//
// Method: the gain of seed i is d_i = transfer test accuracy − baseline test accuracy, both
// trained with seed i (same data split, same epochs): a paired design, so the seed-to-seed
// variation common to both cancels. Over n seeds the 95 % interval is Student's t-interval
//   mean(d) ± t(0.975, n − 1) · sd(d) / √n,   sd with the n − 1 denominator.
// It assumes the d_i are independent and roughly normal; with 3–5 seeds it is wide, as it
// should be. One seed has no interval.

/** One seed of a cell: the transfer run and the baseline run it is paired with. */
export interface PairedResult {
  seed: number;
  transferAccuracy: number;
  baselineAccuracy: number;
  /** First epoch at which the transfer run reached the baseline's final validation accuracy; null: never. */
  epochReachingBaseline: number | null;
}

export type Verdict = 'helps' | 'hurts' | 'within-noise' | 'too-few-seeds';

export interface CellStats {
  seeds: number;
  gains: number[];
  meanGain: number | null;
  sdGain: number | null;
  /** 95 % t-interval of the mean gain; null with fewer than two seeds. */
  interval: [number, number] | null;
  meanTransferAccuracy: number | null;
  meanBaselineAccuracy: number | null;
  /** Mean over the seeds whose transfer run reached the baseline, and how many did. */
  meanEpochsToBaseline: number | null;
  reachedBaseline: number;
  verdict: Verdict;
  verdictText: string;
}

/** t(0.975, df) for df = 1 … 30 (standard tables). */
const T_975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** The 97.5 % quantile of Student's t with `df` degrees of freedom (tabled to 30, then 40, 60, 120, ∞; rounded towards the wider interval). */
export function tQuantile975(df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new Error(`degrees of freedom must be a whole number ≥ 1, got ${df}`);
  if (df <= 30) return T_975[df - 1];
  if (df < 40) return 2.042;
  if (df < 60) return 2.021;
  if (df < 120) return 2.0;
  return 1.98;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Sample standard deviation (n − 1 denominator); null for fewer than two values. */
export function sampleSd(xs: number[]): number | null {
  if (xs.length < 2) return null;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
}

export function tInterval(xs: number[]): [number, number] | null {
  const sd = sampleSd(xs);
  if (sd === null) return null;
  const half = tQuantile975(xs.length - 1) * sd / Math.sqrt(xs.length);
  const m = mean(xs);
  return [m - half, m + half];
}

const points = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)}`;
const seedsText = (n: number) => `${n} seed${n === 1 ? '' : 's'}`;

export function verdictOf(meanGain: number | null, interval: [number, number] | null, seeds: number): { verdict: Verdict; text: string } {
  if (meanGain === null) return { verdict: 'too-few-seeds', text: 'no finished seed yet' };
  if (!interval) return { verdict: 'too-few-seeds', text: `${points(meanGain)} points from ${seedsText(seeds)}: too few to tell; repeat with more seeds` };
  const range = `95 % interval ${points(interval[0])} to ${points(interval[1])}, ${seedsText(seeds)}`;
  // Strict inequalities: an interval that touches 0 does not exclude it.
  if (interval[0] > 0) return { verdict: 'helps', text: `transfer helps: ${points(meanGain)} points (${range})` };
  if (interval[1] < 0) return { verdict: 'hurts', text: `transfer hurts: ${points(meanGain)} points (${range})` };
  return { verdict: 'within-noise', text: `within noise: ${points(meanGain)} points (${range})` };
}

export function cellStats(pairs: PairedResult[]): CellStats {
  const gains = pairs.map((p) => p.transferAccuracy - p.baselineAccuracy);
  const n = pairs.length;
  const meanGain = n ? mean(gains) : null;
  const interval = tInterval(gains);
  const reached = pairs.map((p) => p.epochReachingBaseline).filter((e): e is number => e !== null);
  const { verdict, text } = verdictOf(meanGain, interval, n);
  return {
    seeds: n,
    gains,
    meanGain,
    sdGain: sampleSd(gains),
    interval,
    meanTransferAccuracy: n ? mean(pairs.map((p) => p.transferAccuracy)) : null,
    meanBaselineAccuracy: n ? mean(pairs.map((p) => p.baselineAccuracy)) : null,
    meanEpochsToBaseline: reached.length ? mean(reached) : null,
    reachedBaseline: reached.length,
    verdict,
    verdictText: text,
  };
}

export interface RecommendationInput {
  key: string;
  label: string;
  trainableParams: number | null;
  stats: CellStats;
}

export interface Recommendation {
  cellKey: string | null;
  text: string;
}

export const NO_RELIABLE_SETTING = 'no setting reliably beats training from scratch';

/**
 * The setting with the best mean gain among those whose interval lies above 0; of equal
 * gains (to a tenth of a point, what is shown), the one with fewer trainable parameters.
 */
export function recommend(cells: RecommendationInput[]): Recommendation {
  const reliable = cells.filter((c) => c.stats.verdict === 'helps' && c.stats.meanGain !== null);
  if (reliable.length === 0) return { cellKey: null, text: NO_RELIABLE_SETTING };
  const shown = (c: RecommendationInput) => Math.round((c.stats.meanGain ?? 0) * 1000);
  const best = [...reliable].sort((a, b) =>
    shown(b) - shown(a) || (a.trainableParams ?? Infinity) - (b.trainableParams ?? Infinity))[0];
  const params = best.trainableParams === null ? '' : `, ${best.trainableParams.toLocaleString('en-US')} trainable parameters`;
  return { cellKey: best.key, text: `${best.label}: ${points(best.stats.meanGain ?? 0)} points over training from scratch (${best.stats.seeds} seeds${params})` };
}
