// Datasets for the UI: previews (class counts and sample images) and the images of
// particular samples (e.g. the misclassified ones on the results page).
import { loadDataset, previewDataset, type Dataset, type LoadOptions } from '../engine/datasets';
import { imageToPngDataUrl } from '../engine/datasets/preview';
import { sampleSize } from '../engine/datasets/dataset';
import type { DatasetSpec } from '../engine/spec';

/** Recently loaded datasets, so a results page asking for 50 sample images loads once. */
const MAX_CACHED_DATASETS = 3;

export class DatasetsService {
  private readonly cache = new Map<string, Promise<Dataset>>();

  constructor(
    private readonly dataFolder: string,
    private readonly onDownloadProgress?: LoadOptions['onDownloadProgress'],
  ) {}

  /** Class counts and sample images; a 'download' dataset is fetched first, with progress. */
  preview(dataset: DatasetSpec, seed: number, perClass?: number) {
    return previewDataset(dataset, { seed, dataFolder: this.dataFolder, perClass, onDownloadProgress: this.onDownloadProgress });
  }

  async samples(spec: DatasetSpec, seed: number, ids: string[]) {
    const dataset = await this.load(spec, seed);
    const wanted = new Set(ids);
    const images: { id: string; dataUrl: string }[] = [];
    const size = sampleSize(dataset.inputShape);
    for (const split of [dataset.train, dataset.test]) {
      for (let i = 0; i < split.ids.length && images.length < ids.length; i++) {
        if (!wanted.has(split.ids[i]) || dataset.inputShape.length !== 3) continue;
        const x = new Float32Array(size);
        split.x.read(i, x, 0);
        images.push({ id: split.ids[i], dataUrl: await imageToPngDataUrl(x, dataset.inputShape) });
        wanted.delete(split.ids[i]);
      }
    }
    return { images };
  }

  private load(spec: DatasetSpec, seed: number): Promise<Dataset> {
    const key = JSON.stringify([spec, seed]);
    let cached = this.cache.get(key);
    if (!cached) {
      cached = loadDataset(spec, { seed, dataFolder: this.dataFolder, onDownloadProgress: this.onDownloadProgress });
      cached.catch(() => this.cache.delete(key));
      this.cache.set(key, cached);
      if (this.cache.size > MAX_CACHED_DATASETS) this.cache.delete(this.cache.keys().next().value as string);
    }
    return cached;
  }
}
