// The files Transfer Lab knows how to download: where they live, their published SHA-256
// sums and sizes, and how to get them by hand when this machine cannot reach the hosts.
//
// Checksums were not computed here (no network); they are the values published widely for
// these exact files, cross-checked in several independent sources:
//  - MNIST: the SHA-256/size table of tensorflow_datasets' url_checksums/mnist.txt, also used by
//    torchvision mirrors' downloaders (e.g. torch.rb's MNIST resources list).
//  - Fashion-MNIST: tensorflow_datasets' url_checksums/fashion_mnist.txt; the same SHA-256s
//    appear in downloaders that also check Zalando's published MD5s (8d4fb7e6…, 25c81989…).
//  - CIFAR-10 binary: tensorflow_datasets' cifar10 checksum (170,052,171 bytes, MD5
//    c32a1d4ab5d03f1284b67883e8d87530 as on https://www.cs.toronto.edu/~kriz/cifar.html).
//  - MobileNet v1 0.25/224 (TF.js layers): no checksum is published. Its files are checked by
//    size instead: each file must arrive as long as the server announced, and the weight files
//    together must hold exactly the bytes model.json's weightsManifest describes.
import path from 'node:path';

export type DownloadableDataset = 'mnist' | 'fashion-mnist' | 'cifar10';
export type PretrainedModelName = 'mobilenet-v1-0.25';

export interface CatalogFile {
  name: string;
  sha256?: string;
  size?: number;
}

export interface CatalogEntry {
  /** The name in specs, also the cache folder's and a mirror's sub-folder's name. */
  name: DownloadableDataset | PretrainedModelName;
  title: string;
  /** Base URLs, first choice first; a file's URL is base + file name. */
  bases: string[];
  files: CatalogFile[];
  /** What to do instead of downloading, given the cache folder the files would have gone to. */
  byHand: (urls: string[]) => string;
}

/** Environment variable naming a mirror that holds `<name>/<file>` for every catalog entry. */
export const DOWNLOAD_BASE_ENV = 'TRANSFER_LAB_DOWNLOAD_BASE';

const IDX_FILES = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];

function idxByHand(title: string) {
  return (urls: string[]) =>
    `To use ${title} without this download, fetch ${urls.join(', ')} yourself (any browser or mirror will do), ` +
    `put them in one folder and use the dataset { "kind": "idx", "images": "<folder>/${IDX_FILES[0]}", ` +
    `"labels": "<folder>/${IDX_FILES[1]}", "testImages": "<folder>/${IDX_FILES[2]}", "testLabels": "<folder>/${IDX_FILES[3]}" }.`;
}

export const DATASET_CATALOG: Record<DownloadableDataset, CatalogEntry> = {
  mnist: {
    name: 'mnist',
    title: 'MNIST',
    // yann.lecun.com is the canonical host but is often down or asks for a login; the
    // TensorFlow mirror serves the same files (same SHA-256).
    bases: [
      'https://storage.googleapis.com/cvdf-datasets/mnist/',
      'https://ossci-datasets.s3.amazonaws.com/mnist/',
      'http://yann.lecun.com/exdb/mnist/',
    ],
    files: [
      { name: IDX_FILES[0], size: 9_912_422, sha256: '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609' },
      { name: IDX_FILES[1], size: 28_881, sha256: '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c' },
      { name: IDX_FILES[2], size: 1_648_877, sha256: '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6' },
      { name: IDX_FILES[3], size: 4_542, sha256: 'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6' },
    ],
    byHand: idxByHand('MNIST'),
  },
  'fashion-mnist': {
    name: 'fashion-mnist',
    title: 'Fashion-MNIST',
    bases: [
      'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
      'https://github.com/zalandoresearch/fashion-mnist/raw/master/data/fashion/',
    ],
    files: [
      { name: IDX_FILES[0], size: 26_421_880, sha256: '3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84' },
      { name: IDX_FILES[1], size: 29_515, sha256: 'a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845' },
      { name: IDX_FILES[2], size: 4_422_115, sha256: '346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073' },
      { name: IDX_FILES[3], size: 5_148, sha256: '67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5' },
    ],
    byHand: idxByHand('Fashion-MNIST'),
  },
  cifar10: {
    name: 'cifar10',
    title: 'CIFAR-10',
    bases: ['https://www.cs.toronto.edu/~kriz/'],
    files: [{ name: 'cifar-10-binary.tar.gz', size: 170_052_171, sha256: 'c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd' }],
    byHand: (urls) =>
      `To use CIFAR-10 without this download, fetch ${urls.join(', ')} (the binary version) yourself, extract it ` +
      `(tar -xzf cifar-10-binary.tar.gz) and use the dataset { "kind": "cifar10", "path": "<folder>/cifar-10-batches-bin" }.`,
  },
};

export const MODEL_CATALOG: Record<PretrainedModelName, CatalogEntry & { inputRange: [number, number] }> = {
  'mobilenet-v1-0.25': {
    name: 'mobilenet-v1-0.25',
    title: 'MobileNet v1 0.25 (224 × 224, TF.js layers)',
    bases: ['https://storage.googleapis.com/tfjs-models/tfjs/mobilenet_v1_0.25_224/'],
    // The weight files are not listed here: model.json's weightsManifest names them.
    files: [{ name: 'model.json' }],
    byHand: (urls) =>
      `To use this model without this download, fetch ${urls.join(', ')} and every weight file its weightsManifest ` +
      `lists (group1-shard…of…, from the same folder) into one folder yourself and use the model { "import": "<folder>" }.`,
    // Keras' MobileNet was trained on pixels scaled to [-1, 1]; datasets here are in [0, 1].
    inputRange: [-1, 1],
  },
};

/**
 * The base URLs to try for an entry: an explicit mirror, else TRANSFER_LAB_DOWNLOAD_BASE, else
 * the entry's own hosts. A mirror holds the files under `<mirror>/<name>/`.
 */
export function basesFor(entry: CatalogEntry, mirror?: string): string[] {
  const chosen = mirror ?? process.env[DOWNLOAD_BASE_ENV];
  if (chosen === undefined || chosen.trim() === '') return entry.bases;
  return [`${chosen.trim().replace(/\/+$/, '')}/${entry.name}/`];
}

/** Where an entry's files are kept: `<dataFolder>/cache/<name>/`. */
export function cacheFolderOf(dataFolder: string, name: string): string {
  return path.join(dataFolder, 'cache', name);
}
