import { samplesToArray } from '../../../../fixtures/sample-arrays';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { conformDataset, loadDataset } from '../../../../../main/engine/data/datasets';
import { DOWNLOAD_BASE_ENV, DownloadError, FASHION_MNIST_CLASS_NAMES, type DownloadProgress } from '../../../../../main/engine/data/downloads';
import type { DatasetSpec } from '@contract/spec';
import { fixturePixel, makeTempDir } from '../../../../fixtures/dataset-files';
import { closedPort, startFixtureServer, type FixtureServer } from './fixture-server';
import { cifarArchive, idxSetFiles, sha256Of, underName } from './fixture-files';

const temp = makeTempDir('transfer-lab-download-datasets-');
const idxFiles = idxSetFiles(30, 10);
const idxSums = Object.fromEntries(Object.entries(idxFiles).map(([name, bytes]) => [name, sha256Of(bytes)]));
const cifarFiles = { 'cifar-10-binary.tar.gz': cifarArchive(path.join(temp.dir, 'cifar-src'), 4) };
const cifarSums = { 'cifar-10-binary.tar.gz': sha256Of(cifarFiles['cifar-10-binary.tar.gz']) };
let server: FixtureServer;
let dataFolder: string;
let folders = 0;

beforeAll(async () => {
  server = await startFixtureServer({
    ...underName('fashion-mnist', idxFiles),
    ...underName('mnist', idxFiles),
    ...underName('cifar10', cifarFiles),
  });
});
afterAll(async () => {
  await server.close();
  temp.remove();
});
beforeEach(() => {
  server.requests.length = 0;
  dataFolder = path.join(temp.dir, `data-${++folders}`);
});
afterEach(() => {
  delete process.env[DOWNLOAD_BASE_ENV];
});

describe("dataset kind 'download'", () => {
  it('downloads Fashion-MNIST into the cache with progress, names its classes, and reads it offline afterwards', async () => {
    const progress: DownloadProgress[] = [];
    const spec: DatasetSpec = { kind: 'download', name: 'fashion-mnist', classes: ['Trouser', 'Bag'] };
    const ds = await loadDataset(spec, {
      seed: 1,
      dataFolder,
      download: { baseUrl: server.url, sha256: idxSums },
      onDownloadProgress: (p) => progress.push(p),
    });
    expect(ds.description).toBe('Fashion-MNIST (downloaded)');
    expect(ds.classNames).toEqual(['Trouser', 'Bag']);
    expect(FASHION_MNIST_CLASS_NAMES[1]).toBe('Trouser');
    expect(ds.inputShape).toEqual([28, 28, 1]);
    // Labels cycle 0..9: samples 1, 11, 21 are trousers and 8, 18, 28 bags; the test set has its own 10.
    expect(ds.train.y.length).toBe(6);
    expect(ds.test.y.length).toBe(2);
    const k = ds.train.ids.indexOf('train/11');
    expect(ds.train.y[k]).toBe(0);
    expect(samplesToArray(ds.train.x)[k * 784 + 100]).toBeCloseTo(fixturePixel(11, 100) / 255, 6);

    expect(server.requests.map((r) => r.path).sort()).toEqual(Object.keys(idxFiles).map((f) => `/fashion-mnist/${f}`).sort());
    for (const [index, [file, bytes]] of Object.entries(idxFiles).entries()) {
      const last = progress.filter((p) => p.file === file).at(-1);
      expect(last).toEqual({ name: 'fashion-mnist', file, received: bytes.length, total: bytes.length, fileIndex: index, fileCount: 4 });
    }
    for (const file of Object.keys(idxFiles)) {
      expect(fs.readFileSync(path.join(dataFolder, 'cache', 'fashion-mnist', file)).equals(idxFiles[file])).toBe(true);
    }

    // The cache is complete and verified: loading again makes no request at all.
    server.requests.length = 0;
    const again = await loadDataset(spec, { seed: 1, dataFolder, download: { baseUrl: `http://127.0.0.1:${await closedPort()}` } });
    expect(again.train.y).toEqual(ds.train.y);
    expect(server.requests).toEqual([]);
  });

  it('verifies against the published SHA-256 sums: files that differ are rejected, naming both hashes', async () => {
    // A mirror named by the environment, serving files that are not the published MNIST.
    process.env[DOWNLOAD_BASE_ENV] = `${server.url}/`;
    const error = await loadDataset({ kind: 'download', name: 'mnist' }, { seed: 1, dataFolder }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as DownloadError).code).toBe('checksum');
    const message = (error as Error).message;
    expect(message).toContain('train-images-idx3-ubyte.gz');
    expect(message).toContain(idxSums['train-images-idx3-ubyte.gz']);
    expect(message).toContain('440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609');
    expect(server.requests.map((r) => r.path)).toEqual(['/mnist/train-images-idx3-ubyte.gz']);
    expect(fs.readdirSync(path.join(dataFolder, 'cache', 'mnist'))).toEqual([]);
  });

  it('fails offline with a message that says how to import the files by hand', async () => {
    const port = await closedPort();
    const error = await loadDataset({ kind: 'download', name: 'mnist' }, { seed: 1, dataFolder, download: { baseUrl: `http://127.0.0.1:${port}` } }).catch(
      (e: unknown) => e,
    );
    expect((error as DownloadError).code).toBe('unreachable');
    const message = (error as Error).message;
    expect(message).toContain(`could not reach 127.0.0.1:${port}`);
    expect(message).toContain(`http://127.0.0.1:${port}/mnist/train-images-idx3-ubyte.gz`);
    expect(message).toContain('"kind": "idx", "images": "<folder>/train-images-idx3-ubyte.gz"');
  });

  it('downloads MNIST, and conforms its 28 × 28 gray digits to a 224 × 224 RGB model input', async () => {
    const ds = await loadDataset(
      { kind: 'download', name: 'mnist', limitPerClass: 1 },
      { seed: 1, dataFolder, download: { baseUrl: server.url, sha256: idxSums } },
    );
    expect(ds.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const big = conformDataset(ds, [224, 224, 3]);
    expect(big.inputShape).toEqual([224, 224, 3]);
    expect(samplesToArray(big.train.x).length).toBe(10 * 224 * 224 * 3);
    // Gray becomes three equal channels.
    const at = (112 * 224 + 50) * 3;
    expect(samplesToArray(big.train.x)[at]).toBe(samplesToArray(big.train.x)[at + 1]);
    expect(samplesToArray(big.train.x)[at + 2]).toBe(samplesToArray(big.train.x)[at]);
  });

  it('downloads the CIFAR-10 archive, extracts it into the cache and reuses the extracted batches', async () => {
    const progress: DownloadProgress[] = [];
    const ds = await loadDataset(
      { kind: 'download', name: 'cifar10' },
      { seed: 1, dataFolder, download: { baseUrl: server.url, sha256: cifarSums }, onDownloadProgress: (p) => progress.push(p) },
    );
    expect(ds.description).toBe('CIFAR-10 (downloaded)');
    expect(ds.inputShape).toEqual([32, 32, 3]);
    expect(ds.train.y.length).toBe(20);
    expect(ds.test.y.length).toBe(4);
    expect(ds.classNames[0]).toBe('airplane');
    const cache = path.join(dataFolder, 'cache', 'cifar10');
    expect(fs.readdirSync(cache)).toEqual(['cifar-10-batches-bin']);
    expect(progress.at(-1)).toMatchObject({ name: 'cifar10', received: cifarFiles['cifar-10-binary.tar.gz'].length });

    server.requests.length = 0;
    const again = await loadDataset({ kind: 'download', name: 'cifar10' }, { seed: 1, dataFolder, download: { baseUrl: server.url } });
    expect(samplesToArray(again.train.x)).toEqual(samplesToArray(ds.train.x));
    expect(server.requests).toEqual([]);
  });

  it('needs a data folder for its cache', async () => {
    await expect(loadDataset({ kind: 'download', name: 'mnist' }, { seed: 1 })).rejects.toThrow(/needs a data folder to cache the files in/);
  });
});
