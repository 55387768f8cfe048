// The downloads module: known datasets and pretrained models fetched once into
// <dataFolder>/cache/, verified, resumable, and readable offline afterwards.
export { download, partialFileOf, type DownloadOptions, type DownloadResult } from './downloader';
export { DownloadError, type DownloadErrorCode } from './download-error';
export {
  DATASET_CATALOG,
  MODEL_CATALOG,
  DOWNLOAD_BASE_ENV,
  basesFor,
  cacheFolderOf,
  type CatalogEntry,
  type CatalogFile,
  type DownloadableDataset,
  type PretrainedModelName,
} from './catalog';
export { ensureCachedFile, type DownloadProgress, type DownloadSettings } from './cached-file';
export { loadDownloadedDataset, FASHION_MNIST_CLASS_NAMES, type DownloadedDatasetOptions } from './downloaded-dataset';
export { loadPretrained, ensurePretrainedFiles, classifierOnFeatures, INPUT_SCALING_LAYER, type PretrainedOptions } from './pretrained';
export { extractTarGz } from './tar-archive';
