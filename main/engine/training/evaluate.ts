// Test-set evaluation: accuracy, loss, per-class precision/recall/F1, the confusion matrix
// and the misclassified samples. Metrics are computed from plain arrays so they can be
// tested by hand and reused for any backend.
import * as tf from '@tensorflow/tfjs';
import { inferenceForward } from '../accel/folded-inference';
import type { Split } from '../data/datasets/dataset';
import { sampleSize } from '../data/datasets/dataset';
import { forEachBatch } from '../data/batch-queue';

import type { ClassMetrics, Misclassified as ContractMisclassified } from '@contract/results';

// The shapes of per-class metrics and misclassified samples are declared once, in the contract.
export type { ClassMetrics };
/** The engine always knows the model's probability for its prediction. */
export type Misclassified = ContractMisclassified & { confidence: number };

export interface Evaluation {
  split: string;
  count: number;
  accuracy: number;
  loss: number;
  perClass: ClassMetrics[];
  /** confusionMatrix[actual][predicted] = count. */
  confusionMatrix: number[][];
  misclassified: Misclassified[];
  /**
   * Per test sample, in split order: '1' when the prediction was right, '0' when wrong. Two
   * models evaluated on the same split can be compared image by image (the paired bootstrap
   * of the transfer gain); not stored, the supervisor uses it when the experiment ends.
   */
  correct?: string;
  /** A fingerprint of the split's sample ids, so a pairing can check it pairs the same images. */
  samplesKey?: string;
}

/** At most this many misclassified samples are kept (the UI shows a grid of them). */
export const MAX_MISCLASSIFIED = 500;

export function confusionMatrix(actual: ArrayLike<number>, predicted: ArrayLike<number>, numClasses: number): number[][] {
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < actual.length; i++) m[actual[i]][predicted[i]] += 1;
  return m;
}

/** Precision, recall and F1 per class from a confusion matrix; 0 where undefined (no predictions or no samples). */
export function perClassMetrics(matrix: number[][], classNames: string[]): ClassMetrics[] {
  const n = matrix.length;
  return classNames.map((className, c) => {
    const tp = matrix[c][c];
    let predictedAsC = 0;
    let actuallyC = 0;
    for (let k = 0; k < n; k++) {
      predictedAsC += matrix[k][c];
      actuallyC += matrix[c][k];
    }
    const precision = predictedAsC === 0 ? 0 : tp / predictedAsC;
    const recall = actuallyC === 0 ? 0 : tp / actuallyC;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { className, precision, recall, f1, support: actuallyC };
  });
}

/** Class probabilities for every sample of a split, computed in batches (inference mode). */
export async function predictProbabilities(
  model: tf.LayersModel,
  split: Split,
  inputShape: number[],
  batchSize = 256,
): Promise<Float32Array> {
  const count = split.y.length;
  if (split.x.size !== sampleSize(inputShape)) throw new Error(`predictProbabilities: samples have ${split.x.size} values, expected shape [${inputShape.join(', ')}]`);
  const numClasses = (model.outputs[0].shape[1] ?? 0) as number;
  const out = new Float32Array(count * numClasses);
  // Batch normalisation folded into the convolutions: model.predict's values, fewer passes.
  const inference = inferenceForward(model);
  try {
    await forEachBatch(split.x, count, batchSize, async (x, n, start) => {
      const probs = tf.tidy(() => inference.forward(tf.tensor(x, [n, ...inputShape])));
      out.set(await probs.data(), start * numClasses);
      probs.dispose();
    });
  } finally {
    inference.dispose();
  }
  return out;
}

/** Evaluates from already computed probabilities (row-major count × numClasses). */
export function evaluateProbabilities(
  probabilities: Float32Array,
  split: Split,
  classNames: string[],
  splitName = 'test',
): Evaluation {
  const numClasses = classNames.length;
  const count = split.y.length;
  const predicted = new Int32Array(count);
  let lossSum = 0;
  let correct = 0;
  const misclassified: Misclassified[] = [];
  const correctFlags = new Array<string>(count);
  for (let i = 0; i < count; i++) {
    const row = probabilities.subarray(i * numClasses, (i + 1) * numClasses);
    let best = 0;
    for (let c = 1; c < numClasses; c++) if (row[c] > row[best]) best = c;
    predicted[i] = best;
    const actual = split.y[i];
    // Cross-entropy with the same clipping as tfjs-layers, so loss matches training's.
    lossSum += -Math.log(Math.min(Math.max(row[actual], 1e-7), 1 - 1e-7));
    correctFlags[i] = best === actual ? '1' : '0';
    if (best === actual) correct += 1;
    else if (misclassified.length < MAX_MISCLASSIFIED) {
      misclassified.push({ id: split.ids[i], actual, predicted: best, confidence: row[best] });
    }
  }
  const matrix = confusionMatrix(split.y, predicted, numClasses);
  return {
    split: splitName,
    count,
    accuracy: count === 0 ? 0 : correct / count,
    loss: count === 0 ? 0 : lossSum / count,
    perClass: perClassMetrics(matrix, classNames),
    confusionMatrix: matrix,
    misclassified,
    correct: correctFlags.join(''),
    samplesKey: samplesKey(split.ids),
  };
}

/** FNV-1a over the ids in order: equal keys mean (almost surely) the same samples in the same order. */
export function samplesKey(ids: readonly string[]): string {
  let hash = 0x811c9dc5;
  for (const id of ids) {
    for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
    hash = Math.imul(hash ^ 0x1f, 0x01000193);
  }
  return `${ids.length}:${(hash >>> 0).toString(16)}`;
}

export async function evaluateModel(
  model: tf.LayersModel,
  split: Split,
  inputShape: number[],
  classNames: string[],
  splitName = 'test',
): Promise<Evaluation> {
  const probabilities = await predictProbabilities(model, split, inputShape);
  return evaluateProbabilities(probabilities, split, classNames, splitName);
}
