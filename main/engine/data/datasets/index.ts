// The datasets entry point: one call per spec, whatever the kind, returning the one
// Dataset shape (dataset.ts). Loaders produce SourceData; finishDataset applies the options
// every kind shares, so they behave the same everywhere.
import path from 'node:path';
import type { DatasetSpec } from '@contract/spec';
import type { Dataset } from './dataset';
import { loadBuiltinMnist } from './builtin-mnist';
import { loadBuiltinShapes } from './builtin-shapes';
import { loadCifar10Folder } from './cifar10';
import { loadCsvFiles } from './csv';
import { loadDownloadedDataset } from '../downloads/downloaded-dataset';
import { finishDataset } from './finish-dataset';
import { listImageFolder, loadImageFolder, type BuildingFolder } from './folder';
import { describeIdx, loadIdxFiles } from './idx';
import { previewOf, DEFAULT_PREVIEW_PER_CLASS, type DatasetPreview } from './preview';
import type { LoadOptions, SourceData } from './source-data';

export { DatasetError, type Dataset, type Split } from './dataset';
export { conformDataset } from './conform';
export { standardizeFeatures, applyFeatureScaling, type FeatureScaling } from './feature-scaling';
export type { DatasetPreview, DatasetPreviewSample } from './preview';
export type { LoadOptions, DatasetOptions, BuildingDataset } from './source-data';

async function loadSource(spec: DatasetSpec, opts: LoadOptions): Promise<SourceData> {
  const resolve = (p: string) => path.resolve(opts.baseFolder ?? process.cwd(), p);
  switch (spec.kind) {
    case 'builtin':
      if (spec.name === 'mnist') return loadBuiltinMnist(opts.resourcesFolder, opts.onProgress);
      opts.onProgress?.(0, 1);
      try {
        return loadBuiltinShapes(opts.seed, spec.imageSize);
      } finally {
        opts.onProgress?.(1, 1);
      }
    case 'idx':
      return loadIdxFiles(
        {
          images: resolve(spec.images),
          labels: resolve(spec.labels),
          testImages: spec.testImages && resolve(spec.testImages),
          testLabels: spec.testLabels && resolve(spec.testLabels),
          classNames: spec.classNames,
          description: describeIdx(spec.images),
        },
        opts.onProgress,
      );
    case 'cifar10':
      return loadCifar10Folder(resolve(spec.path), opts.onProgress);
    case 'folder':
      return loadImageFolder(
        resolve(spec.path),
        { imageSize: spec.imageSize, channels: spec.channels, cacheFolder: opts.dataFolder, isCancelled: opts.isCancelled, onBuilding: buildingHook(spec, opts) },
        opts.onProgress,
      );
    case 'csv':
      return loadCsvFiles(resolve(spec.path), spec.label, spec.testPath && resolve(spec.testPath));
    case 'download':
      return loadDownloadedDataset(spec.name, opts);
  }
}

/** Hands LoadOptions.onBuildingDataset the dataset as it loads if every image decodes. */
function buildingHook(spec: DatasetSpec, opts: LoadOptions): ((building: BuildingFolder) => void) | undefined {
  const hook = opts.onBuildingDataset;
  if (!hook) return undefined;
  return ({ source, rows }) => {
    let dataset: Dataset;
    try {
      dataset = finishDataset(source, spec, opts.seed);
    } catch {
      return; // the load itself reports the same error once the images are decoded
    }
    hook({ dataset, rows });
  };
}

/** Loads a dataset spec into memory with its options applied; throws DatasetError on bad input. */
export async function loadDataset(spec: DatasetSpec, opts: LoadOptions): Promise<Dataset> {
  return finishDataset(await loadSource(spec, opts), spec, opts.seed);
}

/** Loads the dataset and summarises it for the UI: per-class counts and a few samples per class. */
export async function previewDataset(spec: DatasetSpec, opts: LoadOptions & { perClass?: number }): Promise<DatasetPreview> {
  return previewOf(await loadDataset(spec, opts), opts.perClass ?? DEFAULT_PREVIEW_PER_CLASS);
}

/**
 * The dataset as training would see it — classes, splits, per-class limit, input shape — for
 * counting only: an image folder is listed, not decoded (its samples cannot be read); other
 * kinds load as usual (bytes, or a downloaded set from its cache).
 */
export async function countDataset(spec: DatasetSpec, opts: LoadOptions): Promise<Dataset> {
  if (spec.kind !== 'folder') return loadDataset(spec, opts);
  const root = path.resolve(opts.baseFolder ?? process.cwd(), spec.path);
  return finishDataset(await listImageFolder(root, { imageSize: spec.imageSize, channels: spec.channels }), spec, opts.seed);
}
