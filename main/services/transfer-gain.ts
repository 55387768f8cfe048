// "Did transfer help?" — the answer recorded for every experiment with a baseline.
import type { Evaluation } from '../engine/training/evaluate';
import type { EpochMetrics } from '../engine/training/train';
import { correctnessOf, pairedBootstrapInterval, type Interval } from './paired-bootstrap';

export interface TransferGain {
  targetRunId: string;
  baselineRunId: string;
  /** Target test accuracy minus baseline test accuracy (negative when transfer hurt). */
  accuracyDelta: number;
  targetAccuracy: number;
  baselineAccuracy: number;
  /**
   * The first epoch at which the transferred run's validation accuracy reached the
   * baseline's final validation accuracy (training accuracy when there is no validation
   * split); null when it never did.
   */
  epochReachingBaseline: number | null;
  /** Which curve epochReachingBaseline compares: validation accuracy, or training accuracy without a validation split. */
  reachedOn: 'validation' | 'training';
  /** How many test images both models were evaluated on. */
  testCount: number;
  /**
   * The 95 % paired-bootstrap interval of accuracyDelta over the test images; null when the
   * per-image results are missing or the two evaluations were not on the same images.
   */
  interval: Interval | null;
}

interface RunResult {
  runId: string;
  evaluation?: Evaluation;
  epochs: EpochMetrics[];
}

export function computeTransferGain(target: RunResult, baseline: RunResult): TransferGain | undefined {
  if (!target.evaluation || !baseline.evaluation) return undefined;
  const onValidation = [...target.epochs, ...baseline.epochs].every((e) => e.valAccuracy !== undefined && e.valAccuracy !== null);
  const curve = (e: EpochMetrics) => (onValidation ? (e.valAccuracy as number) : e.accuracy);
  const baselineFinal = baseline.epochs.length > 0 ? curve(baseline.epochs[baseline.epochs.length - 1]) : undefined;
  const reached = baselineFinal === undefined ? undefined : target.epochs.find((e) => curve(e) >= baselineFinal);
  return {
    targetRunId: target.runId,
    baselineRunId: baseline.runId,
    accuracyDelta: target.evaluation.accuracy - baseline.evaluation.accuracy,
    targetAccuracy: target.evaluation.accuracy,
    baselineAccuracy: baseline.evaluation.accuracy,
    epochReachingBaseline: reached ? reached.epoch : null,
    reachedOn: onValidation ? 'validation' : 'training',
    testCount: target.evaluation.count,
    interval: pairedInterval(target.evaluation, baseline.evaluation),
  };
}

function pairedInterval(target: Evaluation, baseline: Evaluation): Interval | null {
  if (!target.correct || !baseline.correct || target.correct.length !== baseline.correct.length) return null;
  if (target.samplesKey !== baseline.samplesKey) return null;
  return pairedBootstrapInterval(correctnessOf(target.correct), correctnessOf(baseline.correct));
}
