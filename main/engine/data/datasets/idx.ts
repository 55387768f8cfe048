// The 'idx' kind: MNIST-style IDX image/label files, optionally with a test pair. Also used
// by the built-in MNIST and (later) the downloader, which read the same format from their
// own files through loadIdxFiles.
import path from 'node:path';
import { DatasetError } from './dataset';
import { readIdxPair } from './idx-format';
import { indexIds, type SourceData, type SourceSplit } from './source-data';

export interface IdxFiles {
  images: string;
  labels: string;
  testImages?: string;
  testLabels?: string;
  /** Names for labels 0, 1, …; default "0", "1", … up to the largest label. */
  classNames?: string[];
  description: string;
}

export async function loadIdxFiles(files: IdxFiles, onProgress?: (done: number, total: number) => void): Promise<SourceData> {
  if ((files.testImages === undefined) !== (files.testLabels === undefined)) {
    throw new DatasetError(`${files.description}: testImages and testLabels must be given together`);
  }
  const total = files.testImages ? 2 : 1;
  onProgress?.(0, total);
  const train = await readIdxPair(files.images, files.labels);
  onProgress?.(1, total);
  const test = files.testImages ? await readIdxPair(files.testImages, files.testLabels!) : undefined;
  if (test) onProgress?.(2, total);

  const { height, width } = train.images;
  if (test && (test.images.height !== height || test.images.width !== width)) {
    throw new DatasetError(
      `IDX test images ${files.testImages} are ${test.images.height} × ${test.images.width} pixels but training images ${files.images} are ${height} × ${width}`,
    );
  }

  let classNames = files.classNames;
  const maxLabel = Math.max(maxOf(train.labels), test ? maxOf(test.labels) : 0);
  if (classNames) {
    if (maxLabel >= classNames.length) {
      const file = maxOf(train.labels) === maxLabel ? files.labels : files.testLabels!;
      throw new DatasetError(
        `IDX labels file ${file} has label ${maxLabel} but only ${classNames.length} class names were given`,
      );
    }
  } else {
    classNames = Array.from({ length: maxLabel + 1 }, (_, i) => String(i));
  }

  const split = (pair: typeof train, prefix: string): SourceSplit => ({
    values: pair.images.pixels,
    labels: Int32Array.from(pair.labels),
    id: indexIds(prefix),
  });
  return {
    description: files.description,
    classNames,
    shape: [height, width, 1],
    train: split(train, 'train'),
    test: test ? split(test, 'test') : undefined,
    warnings: [],
  };
}

function maxOf(values: Uint8Array): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) if (values[i] > max) max = values[i];
  return max;
}

export function describeIdx(imagesFile: string): string {
  return `IDX images ${path.basename(imagesFile)}`;
}
