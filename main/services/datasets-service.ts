// Datasets for the UI: previews (class counts and sample images) and the images of
// particular samples (e.g. the misclassified ones on the results page). Loading and decoding
// happen in the helper process; download progress reaches the faces through `onDownloadProgress`.
import type { DatasetSpec } from '@contract/spec';
import type { DownloadProgressNote, HelperClient } from './helper-client';

export class DatasetsService {
  constructor(
    private readonly dataFolder: string,
    private readonly helper: HelperClient,
    private readonly onDownloadProgress?: (progress: DownloadProgressNote) => void,
  ) {}

  /** Class counts and sample images; a 'download' dataset is fetched first, with progress. */
  preview(dataset: DatasetSpec, seed: number, perClass?: number) {
    return this.helper.request('preview', { dataset, seed, perClass, dataFolder: this.dataFolder }, this.onDownloadProgress);
  }

  samples(dataset: DatasetSpec, seed: number, ids: string[]) {
    return this.helper.request('samples', { dataset, seed, ids, dataFolder: this.dataFolder }, this.onDownloadProgress);
  }
}
