// The honest verdict in plain words: how much transfer changed the target's test accuracy
// compared with the same model trained from scratch, on how many test images, with the 95 %
// paired-bootstrap interval of that gain. When the interval contains 0 the difference is
// within noise and no winner is named. Every figure says which split it comes from.
import { count, percent, points } from '../lib/format';

export interface TransferGainFigures {
  accuracyDelta: number;
  epochReachingBaseline: number | null;
  targetAccuracy: number;
  baselineAccuracy: number;
  reachedOn?: 'validation' | 'training' | null;
  testCount?: number | null;
  interval?: { low: number; high: number; level: number } | null;
}

export interface Verdict {
  headline: string;
  detail: string;
  tone: 'helped' | 'neutral' | 'hurt';
}

/** Without an interval (results recorded before it was kept), half a point is taken as noise. */
const NOISE = 0.005;

/** "+1.1 to +7.3 points" */
function range(low: number, high: number): string {
  return `${points(low).replace(/ points?$/, '')} to ${points(high)}`;
}

function speed(gain: TransferGainFigures, plannedEpochs: number): string {
  const curve = gain.reachedOn === 'training' ? 'training accuracy' : 'validation accuracy';
  const epochs = `${plannedEpochs} ${plannedEpochs === 1 ? 'epoch' : 'epochs'}`;
  return gain.epochReachingBaseline !== null
    ? `By ${curve}, the fine-tuned model reached the baseline's final ${curve} at epoch ${gain.epochReachingBaseline} of ${plannedEpochs}.`
    : `By ${curve}, the fine-tuned model never reached the baseline's final ${curve} in ${epochs}.`;
}

export function transferVerdict(gain: TransferGainFigures, plannedEpochs: number): Verdict {
  const delta = gain.accuracyDelta;
  const images = gain.testCount ? `${count(gain.testCount)} target test images` : 'the target test set';
  const compared = `Test accuracy ${percent(gain.targetAccuracy)} with transfer vs ${percent(gain.baselineAccuracy)} from scratch, on the same ${images}.`;
  const interval = gain.interval;
  const level = interval ? `${Math.round(interval.level * 100)} %` : '';
  const figure = `${points(delta)} of test accuracy`;
  const detail = (lead: string) => `${lead}${compared} ${speed(gain, plannedEpochs)}`;

  if (interval) {
    const withInterval = `${figure} (${level} interval ${range(interval.low, interval.high)}, ${images})`;
    if (interval.low > 0) return { headline: `Transfer helped: ${withInterval}`, detail: detail(''), tone: 'helped' };
    if (interval.high < 0) {
      return {
        headline: `Transfer hurt: ${withInterval}`,
        detail: `${detail('')} Try freezing fewer layers, a smaller learning rate, or a source task closer to the target.`,
        tone: 'hurt',
      };
    }
    return {
      headline: `Within noise: ${withInterval}`,
      detail: detail(`The ${level} interval contains 0, so this test set cannot tell the two apart (more test images or more seeds could): `),
      tone: 'neutral',
    };
  }

  const noInterval = `${figure} on ${images} (no interval: this result was recorded without per-image results)`;
  if (delta >= NOISE) return { headline: `Transfer helped: ${noInterval}`, detail: detail(''), tone: 'helped' };
  if (delta <= -NOISE) return { headline: `Transfer hurt: ${noInterval}`, detail: detail(''), tone: 'hurt' };
  return { headline: `No real difference: ${noInterval}`, detail: detail(''), tone: 'neutral' };
}

/** Why there is no verdict when the baseline did not finish (null while it still trains). */
export function noComparison(baselineStatus: string): Verdict | null {
  const ended: Record<string, string> = { cancelled: 'was cancelled', failed: 'failed', interrupted: 'was interrupted' };
  const what = ended[baselineStatus];
  if (!what) return null;
  return {
    headline: `No comparison: the baseline ${what}`,
    detail: 'Without a finished from-scratch baseline there is nothing to measure the transfer against. Fine-tune again to train both.',
    tone: 'neutral',
  };
}
