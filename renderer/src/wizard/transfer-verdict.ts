// The honest verdict in plain words: how much transfer changed the target's test accuracy
// compared with the same model trained from scratch, and how early it got there.
import { percent, points } from '../components/format';

export interface TransferGainFigures {
  accuracyDelta: number;
  epochReachingBaseline: number | null;
  targetAccuracy: number;
  baselineAccuracy: number;
}

export interface Verdict {
  headline: string;
  detail: string;
  tone: 'helped' | 'neutral' | 'hurt';
}

/** Differences under half a point are within the noise of a small test set. */
const NOISE = 0.005;

export function transferVerdict(gain: TransferGainFigures, plannedEpochs: number): Verdict {
  const delta = gain.accuracyDelta;
  const speed =
    gain.epochReachingBaseline !== null
      ? `reached the baseline's final accuracy at epoch ${gain.epochReachingBaseline} of ${plannedEpochs}`
      : `never reached the baseline's final accuracy in ${plannedEpochs} ${plannedEpochs === 1 ? 'epoch' : 'epochs'}`;
  const compared = `${percent(gain.targetAccuracy)} with transfer vs ${percent(gain.baselineAccuracy)} from scratch`;
  if (delta >= NOISE) {
    return { headline: `${points(delta)} of accuracy; ${speed}`, detail: `Transfer helped: ${compared}.`, tone: 'helped' };
  }
  if (delta <= -NOISE) {
    return {
      headline: `${points(delta)} of accuracy; ${speed}`,
      detail: `Transfer hurt here: ${compared}. Try freezing fewer layers, a smaller learning rate, or a source task closer to the target.`,
      tone: 'hurt',
    };
  }
  return { headline: `${points(delta)} of accuracy; ${speed}`, detail: `No real difference: ${compared}.`, tone: 'neutral' };
}
