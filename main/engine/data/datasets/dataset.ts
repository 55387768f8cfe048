// The one shape every dataset kind loads into. Samples are read row by row as float32
// (samples.ts): held as bytes or floats in memory, or on disk for image folders, and turned
// into tensors one batch at a time, so memory holds the batches in flight, not the dataset.
import type { Samples } from './samples';

export interface Split {
  /** The samples, each product(inputShape) values; images read as floats in [0, 1], HWC. */
  x: Samples;
  /** Integer class index per sample, 0 ≤ y < classNames.length. */
  y: Int32Array;
  /** A stable id per sample (e.g. "train/123" or a file path), used for misclassified examples. */
  ids: string[];
}

export interface Dataset {
  /** A short human-readable description, e.g. "MNIST digits (built-in, 10,000 images)". */
  description: string;
  classNames: string[];
  /** Per-sample shape: [height, width, channels] for images, [features] for tabular data. */
  inputShape: number[];
  train: Split;
  test: Split;
  /** Non-fatal problems, e.g. files that were skipped and why. */
  warnings: string[];
}

/** A loading error that names the file or field and what was expected. */
export class DatasetError extends Error {
  readonly errorCode = 'dataset';
  constructor(message: string) {
    super(message);
    this.name = 'DatasetError';
  }
}

export function sampleSize(inputShape: readonly number[]): number {
  return inputShape.reduce((a, b) => a * b, 1);
}

export function splitCount(split: Split): number {
  return split.y.length;
}
