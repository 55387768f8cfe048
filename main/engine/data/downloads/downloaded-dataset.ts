// The 'download' dataset kind: fetches MNIST, Fashion-MNIST or CIFAR-10 into the cache once,
// then reads them with the same loaders as the 'idx' and 'cifar10' kinds, so a downloaded
// dataset behaves exactly like the same files imported by hand.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { loadCifar10Folder } from '../datasets/cifar10';
import { DatasetError } from '../datasets/dataset';
import { loadIdxFiles } from '../datasets/idx';
import type { SourceData } from '../datasets/source-data';
import { cacheFolderOf, DATASET_CATALOG, type DownloadableDataset } from './catalog';
import { ensureCachedFile, type DownloadProgress, type DownloadSettings } from './cached-file';
import { DownloadError } from './download-error';
import { syncFolder } from '../../atomic-file';
import { extractTarGz } from './tar-archive';

export const FASHION_MNIST_CLASS_NAMES = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
];
const DIGIT_CLASS_NAMES = Array.from({ length: 10 }, (_, i) => String(i));
const CIFAR_FOLDER = 'cifar-10-batches-bin';

export interface DownloadedDatasetOptions {
  /** The data folder; files are cached in <dataFolder>/cache/<name>/. */
  dataFolder?: string;
  download?: DownloadSettings;
  onDownloadProgress?: (progress: DownloadProgress) => void;
  /** Progress of reading the cached files, as the 'idx' and 'cifar10' kinds report it. */
  onProgress?: (done: number, total: number) => void;
}

/** Downloads the dataset when it is not cached yet, then loads it. */
export async function loadDownloadedDataset(name: DownloadableDataset, opts: DownloadedDatasetOptions): Promise<SourceData> {
  const dataFolder = opts.dataFolder;
  if (!dataFolder) {
    throw new DatasetError(`dataset { "kind": "download", "name": "${name}" } needs a data folder to cache the files in; none was given`);
  }
  if (name === 'cifar10') {
    const folder = await ensureCifar10(dataFolder, opts);
    const source = await loadCifar10Folder(folder, opts.onProgress);
    return { ...source, description: 'CIFAR-10 (downloaded)' };
  }
  const files = await ensureAllFiles(name, dataFolder, opts);
  const [images, labels, testImages, testLabels] = files;
  return loadIdxFiles(
    {
      images,
      labels,
      testImages,
      testLabels,
      classNames: name === 'fashion-mnist' ? FASHION_MNIST_CLASS_NAMES : DIGIT_CLASS_NAMES,
      description: name === 'fashion-mnist' ? 'Fashion-MNIST (downloaded)' : 'MNIST digits (downloaded)',
    },
    opts.onProgress,
  );
}

/** The cached paths of every file of the entry, in catalog order, downloading what is missing. */
async function ensureAllFiles(name: DownloadableDataset, dataFolder: string, opts: DownloadedDatasetOptions): Promise<string[]> {
  const entry = DATASET_CATALOG[name];
  const paths: string[] = [];
  for (const [fileIndex, file] of entry.files.entries()) {
    paths.push(
      await ensureCachedFile({
        entry,
        file,
        dataFolder,
        settings: opts.download,
        onProgress: opts.onDownloadProgress,
        fileIndex,
        fileCount: entry.files.length,
      }),
    );
  }
  return paths;
}

/**
 * The extracted cifar-10-batches-bin folder in the cache. The archive is extracted into a
 * scratch folder and renamed into place, so the folder exists only when extraction finished;
 * the archive is then deleted (it would double the 170 MB on disk).
 */
async function ensureCifar10(dataFolder: string, opts: DownloadedDatasetOptions): Promise<string> {
  const cache = cacheFolderOf(dataFolder, 'cifar10');
  const folder = path.join(cache, CIFAR_FOLDER);
  if (await fs.stat(folder).then((s) => s.isDirectory(), () => false)) return folder;
  const [archive] = await ensureAllFiles('cifar10', dataFolder, opts);
  const scratch = path.join(cache, 'extracting.partial');
  await fs.rm(scratch, { recursive: true, force: true });
  try {
    await extractTarGz(archive, scratch);
  } catch (error) {
    // A verified archive that does not extract is not worth keeping: the next run should fetch it again.
    await fs.rm(archive, { force: true });
    await fs.rm(scratch, { recursive: true, force: true });
    throw error;
  }
  const extracted = path.join(scratch, CIFAR_FOLDER);
  if (!(await fs.stat(extracted).then((s) => s.isDirectory(), () => false))) {
    await fs.rm(scratch, { recursive: true, force: true });
    throw new DownloadError(`${archive} holds no ${CIFAR_FOLDER}/ folder; it is not the CIFAR-10 binary archive`, 'bad-content');
  }
  await fs.rename(extracted, folder);
  await syncFolder(cache);
  await fs.rm(scratch, { recursive: true, force: true });
  await fs.rm(archive, { force: true });
  return folder;
}
