// The transfer gain as the CLI prints it: the test-accuracy difference with its 95 %
// paired-bootstrap interval and the number of test images, and a verdict that names no
// winner when the interval contains 0 (the wizard's Results say the same in more words).
import type { TransferGainInfo as TransferGain } from '@contract/results';

/** "+3.1" / "−0.4": points of accuracy with a real minus sign. */
function signedPoints(fraction: number): string {
  const value = Math.abs(fraction * 100).toFixed(1);
  return `${fraction < 0 && value !== '0.0' ? '−' : '+'}${value}`;
}

function verdict(gain: TransferGain): string {
  const interval = gain.interval;
  if (!interval) return 'no interval: this result was recorded without per-image results';
  if (interval.low > 0) return 'transfer helped';
  if (interval.high < 0) return 'transfer hurt';
  return 'within noise (the interval contains 0)';
}

function speed(gain: TransferGain): string {
  const curve = gain.reachedOn === 'training' ? 'training' : 'validation';
  return gain.epochReachingBaseline === null
    ? `by ${curve} accuracy, never reached the baseline's final ${curve} accuracy`
    : `by ${curve} accuracy, reached the baseline's final ${curve} accuracy at epoch ${gain.epochReachingBaseline}`;
}

/** One line, e.g. "transfer gain: −16.6 points of test accuracy (95 % interval −19.4 to −13.9, 975 test images): transfer hurt; …". */
export function transferGainLine(gain: TransferGain): string {
  const figures: string[] = [];
  if (gain.interval) figures.push(`${Math.round(gain.interval.level * 100)} % interval ${signedPoints(gain.interval.low)} to ${signedPoints(gain.interval.high)}`);
  if (gain.testCount) figures.push(`${gain.testCount.toLocaleString('en-US')} test images`);
  const detail = figures.length > 0 ? ` (${figures.join(', ')})` : '';
  return `transfer gain: ${signedPoints(gain.accuracyDelta)} points of test accuracy${detail}: ${verdict(gain)}; ${speed(gain)}`;
}
