// Turns a loader's SourceData into the Dataset every consumer sees, applying the options all
// kinds share, in this order: classes → test split → limitPerClass → order → imageSize/channels.
// Every random choice draws from a generator seeded by (seed, original class), so the test
// set of a class does not change when other classes are selected or limitPerClass changes,
// and source and target experiments on the same data agree on which samples are held out.
import { createRng, shuffledIndices, type Rng } from '../../rng';
import { DatasetError, sampleSize, type Dataset, type Split } from './dataset';
import { dataLimitBytes, formatBytes } from './binary-file';
import { transformImage, type ImageShape } from './image-transform';
import { byteSamples, floatSamples, mapSamples, pickSamples, type Samples } from './samples';
import type { DatasetOptions, SourceData, SourceSplit } from './source-data';
import { normalizeClassName } from './class-names';

export const DEFAULT_TEST_SPLIT = 0.2;

function classRng(seed: number, purpose: number, classIndex: number): Rng {
  return createRng((Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(purpose * 65_537 + classIndex + 1, 0x85ebca6b)) >>> 0);
}

/** Maps original class indices to kept ones; numbers are class indices, strings class names. */
export function selectClasses(
  classNames: readonly string[],
  wanted: readonly (number | string)[] | undefined,
  origin: string,
): { remap: Int32Array; classNames: string[] } {
  const remap = new Int32Array(classNames.length).fill(-1);
  if (!wanted) {
    remap.forEach((_, i) => (remap[i] = i));
    return { remap, classNames: [...classNames] };
  }
  const kept: string[] = [];
  for (const item of wanted) {
    // Spec class names match in NFC, as dataset class names are (see class-names.ts).
    const index = typeof item === 'number' ? item : classNames.findIndex((n) => normalizeClassName(n) === normalizeClassName(item));
    if (index < 0 || index >= classNames.length) {
      const what = typeof item === 'number' ? `class index ${item}` : `class "${item}"`;
      throw new DatasetError(
        `${origin}: classes lists unknown ${what}; the dataset has ${classNames.length} classes: ${classNames.join(', ')}`,
      );
    }
    if (remap[index] >= 0) {
      throw new DatasetError(`${origin}: classes lists class "${classNames[index]}" twice`);
    }
    remap[index] = kept.length;
    kept.push(classNames[index]);
  }
  return { remap, classNames: kept };
}

/** Indices of each original class's kept samples, in source order. */
function indicesByClass(split: SourceSplit, remap: Int32Array): number[][] {
  const byClass = Array.from({ length: remap.length }, () => [] as number[]);
  for (let i = 0; i < split.labels.length; i++) {
    const label = split.labels[i];
    if (remap[label] >= 0) byClass[label].push(i);
  }
  return byClass;
}

function shuffled(indices: number[], rng: Rng): number[] {
  const order = shuffledIndices(indices.length, rng);
  return Array.from(order, (k) => indices[k]);
}

interface Selection {
  source: SourceSplit;
  indices: number[];
}

function imageTarget(source: SourceData, options: DatasetOptions): { from: ImageShape; to: ImageShape } | null {
  if (source.shape.length !== 3) {
    if (options.imageSize || options.channels) {
      throw new DatasetError(
        `${source.description}: imageSize and channels apply to images only; this dataset has ${source.shape.length === 1 ? `${source.shape[0]} features per sample` : `shape [${source.shape.join(', ')}]`}`,
      );
    }
    return null;
  }
  const from = source.shape as unknown as ImageShape;
  const to: ImageShape = [options.imageSize?.[0] ?? from[0], options.imageSize?.[1] ?? from[1], options.channels ?? from[2]];
  return { from, to };
}

/** A source split's values as Samples (floats in [0, 1] for image bytes), without copying. */
function sourceSamples(split: SourceSplit, shape: readonly number[]): Samples {
  const size = sampleSize(shape);
  if (split.values instanceof Uint8Array) return byteSamples(split.values, size);
  if (split.values instanceof Float32Array) return floatSamples(split.values, size);
  return split.values;
}

/**
 * The selected samples, in order, converted to the target shape row by row as they are read:
 * an index permutation over the source, so the dataset is never copied as floats.
 */
function materialize(selection: Selection, remap: Int32Array, source: SourceData, target: ReturnType<typeof imageTarget>): Split {
  const { indices, source: split } = selection;
  const picked = pickSamples(sourceSamples(split, source.shape), indices);
  const sameShape = !target || target.from.every((d, i) => d === target.to[i]);
  const x = sameShape ? picked : mapSamples(picked, sampleSize(target.to), (src, dst, offset) => transformImage(src, target.from, target.to, dst, offset));
  const y = Int32Array.from(indices, (i) => remap[split.labels[i]]);
  const ids = indices.map((i) => split.id(i));
  return { x, y, ids };
}

/**
 * Samples in memory are kept as they came (bytes or floats), converted per batch; refuse a
 * dataset whose float32 size passes the data limit only when its source is held in memory
 * as floats, or would be read whole (tabular data). Image folders stream from their cache.
 */
function checkDatasetMemory(origin: string, samples: number, shape: readonly number[], streamed: boolean): void {
  if (streamed) return;
  const bytes = samples * sampleSize(shape) * 4;
  const limit = dataLimitBytes();
  if (bytes > limit) {
    throw new DatasetError(
      `${origin}: ${samples} samples of shape [${shape.join(', ')}] take ${formatBytes(bytes)} as float32, more than the ${formatBytes(limit)} a dataset may take ` +
        '(use limitPerClass or a smaller imageSize, or raise TRANSFER_LAB_DATA_LIMIT_MB)',
    );
  }
}

export function finishDataset(source: SourceData, options: DatasetOptions, seed: number): Dataset {
  const origin = source.description;
  const warnings = [...source.warnings];
  for (const split of [source.train, source.test]) {
    if (!split) continue;
    for (let i = 0; i < split.labels.length; i++) {
      const label = split.labels[i];
      if (!(label >= 0 && label < source.classNames.length)) {
        throw new DatasetError(`${origin}: sample ${split.id(i)} has label ${label}, outside 0..${source.classNames.length - 1}`);
      }
    }
  }
  const target = imageTarget(source, options);
  const { remap, classNames } = selectClasses(source.classNames, options.classes, origin);

  const trainByClass = indicesByClass(source.train, remap);
  let testByClass: number[][];
  if (source.test) {
    testByClass = indicesByClass(source.test, remap);
    if (options.testSplit !== undefined) {
      warnings.push(`testSplit ${options.testSplit} was ignored: ${origin} has its own test set`);
    }
  } else {
    // Stratified: every class gives the same fraction, and at least one sample when it has two or more.
    const fraction = options.testSplit ?? DEFAULT_TEST_SPLIT;
    testByClass = trainByClass.map(() => []);
    trainByClass.forEach((indices, c) => {
      if (indices.length === 0) return;
      const order = shuffled(indices, classRng(seed, 1, c));
      let held = Math.round(order.length * fraction);
      if (order.length >= 2) held = Math.min(Math.max(held, 1), order.length - 1);
      else held = 0;
      testByClass[c] = order.slice(0, held).sort((a, b) => a - b);
      trainByClass[c] = order.slice(held).sort((a, b) => a - b);
    });
  }

  if (options.limitPerClass !== undefined) {
    const limit = options.limitPerClass;
    trainByClass.forEach((indices, c) => {
      if (indices.length > limit) trainByClass[c] = shuffled(indices, classRng(seed, 2, c)).slice(0, limit).sort((a, b) => a - b);
    });
  }

  for (let c = 0; c < remap.length; c++) {
    if (remap[c] >= 0 && trainByClass[c].length === 0) {
      warnings.push(`class "${source.classNames[c]}" has no training samples`);
    }
  }
  const trainIndices = trainByClass.flat();
  if (trainIndices.length === 0) throw new DatasetError(`${origin}: no training samples left after applying the options`);

  // Sample order is shuffled (seeded) because consumers such as tfjs' validationSplit take
  // the last samples as they are; sources stored class by class would otherwise hold out one class.
  // Separate generators, so the test set's order does not depend on the training set's size.
  const streamed = !(source.train.values instanceof Float32Array);
  checkDatasetMemory(origin, trainIndices.length + testByClass.reduce((n, c) => n + c.length, 0), target ? target.to : source.shape, streamed);
  const trainOrder = shuffled(trainIndices, createRng((seed ^ 0x5bd1e995) >>> 0));
  const testOrder = shuffled(testByClass.flat(), createRng((seed ^ 0x27d4eb2f) >>> 0));
  const train = materialize({ source: source.train, indices: trainOrder }, remap, source, target);
  const test = materialize({ source: source.test ?? source.train, indices: testOrder }, remap, source, target);

  return {
    description: source.description,
    classNames,
    inputShape: target ? [...target.to] : [...source.shape],
    train,
    test,
    warnings,
  };
}
