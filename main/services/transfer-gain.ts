// "Did transfer help?" — the answer recorded for every experiment with a baseline.
import type { Evaluation } from '../engine/evaluate';
import type { EpochMetrics } from '../engine/train';

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
}

interface RunResult {
  runId: string;
  evaluation?: Evaluation;
  epochs: EpochMetrics[];
}

export function computeTransferGain(target: RunResult, baseline: RunResult): TransferGain | undefined {
  if (!target.evaluation || !baseline.evaluation) return undefined;
  const curve = (e: EpochMetrics) => e.valAccuracy ?? e.accuracy;
  const baselineFinal = baseline.epochs.length > 0 ? curve(baseline.epochs[baseline.epochs.length - 1]) : undefined;
  const reached = baselineFinal === undefined ? undefined : target.epochs.find((e) => curve(e) >= baselineFinal);
  return {
    targetRunId: target.runId,
    baselineRunId: baseline.runId,
    accuracyDelta: target.evaluation.accuracy - baseline.evaluation.accuracy,
    targetAccuracy: target.evaluation.accuracy,
    baselineAccuracy: baseline.evaluation.accuracy,
    epochReachingBaseline: reached ? reached.epoch : null,
  };
}
