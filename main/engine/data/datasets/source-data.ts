// What every loader produces before the shared options (classes, testSplit, limitPerClass,
// imageSize, channels) are applied. Image sources keep their bytes as Uint8Array until the
// very end, so a 60,000-image set is not held as floats twice, and class selection and
// per-class limits only ever copy the samples that are kept.
import type { builtinDatasetSchema } from '@contract/spec';
import type { DownloadProgress, DownloadSettings } from '../downloads/cached-file';
import type { z } from 'zod';
import type { Samples } from './samples';
import type { Dataset } from './dataset';
import type { BuildingRows } from './image-cache';

export interface SourceSplit {
  /**
   * count × product(shape) values. Uint8Array: image bytes 0..255; Float32Array: used as is;
   * Samples: rows read on demand (an image folder's decoded cache on disk), floats in [0, 1].
   */
  values: Uint8Array | Float32Array | Samples;
  /** Class index per sample, 0 ≤ label < classNames.length. */
  labels: Int32Array;
  /** The stable id of sample i (e.g. "train/12" or "cat/001.png"). */
  id: (index: number) => string;
}

export interface SourceData {
  description: string;
  classNames: string[];
  /** [height, width, channels] for images, [features] for tabular data. */
  shape: number[];
  train: SourceSplit;
  /** Absent when the source has no test set of its own; testSplit then holds one out. */
  test?: SourceSplit;
  warnings: string[];
}

/** The options every dataset kind shares (spec.ts `datasetOptions`). */
export type DatasetOptions = Pick<
  z.infer<typeof builtinDatasetSchema>,
  'classes' | 'limitPerClass' | 'testSplit' | 'imageSize' | 'channels'
>;

export interface LoadOptions {
  /** The experiment seed: test split, per-class limits, sample order and synthetic data follow it. */
  seed: number;
  /** Where downloaded datasets are cached (used by the 'download' kind). */
  dataFolder?: string;
  /** The folder holding data/ with the built-in files; found automatically when omitted. */
  resourcesFolder?: string;
  /** Relative paths in the spec are resolved against this folder (default: process.cwd()). */
  baseFolder?: string;
  /** Polled while loading (decoding images); true stops it with a CancelledError. */
  isCancelled?: () => boolean;
  /** Called as work advances (files read, images decoded); total may be an estimate. */
  onProgress?: (done: number, total: number) => void;
  /** The 'download' kind: called as bytes arrive, per file (nothing is called when the files are cached). */
  onDownloadProgress?: (progress: DownloadProgress) => void;
  /** The 'download' kind: a mirror, replacement checksums, timeout, cancellation. */
  download?: DownloadSettings;
  /**
   * The 'folder' kind, when its decoded-image cache is built now (a cold cache): called before
   * decoding starts, so work on the rows can start as they are written (the frozen prefix's
   * feature pass, training/overlapped-features.ts).
   */
  onBuildingDataset?: (building: BuildingDataset) => void;
}

/** A dataset whose image cache is being built (LoadOptions.onBuildingDataset). */
export interface BuildingDataset {
  /**
   * The dataset as it loads if every image decodes, the spec's options applied. An image that
   * fails is dropped from the loaded dataset, which can shift the test split or the per-class
   * limits, so its splits can differ from this one's by a few samples.
   */
  dataset: Dataset;
  /** The cache's rows as they are written; the dataset's samples are picks of them. */
  rows: BuildingRows;
}

/** Sample ids "train/0", "train/1", … for sources whose samples have no names of their own. */
export function indexIds(prefix: string): (index: number) => string {
  return (index) => `${prefix}/${index}`;
}
