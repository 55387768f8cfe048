// The decoded-image cache of a folder (image-cache.ts), on real files decoded by sharp.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelledError, imageCacheFile, imageCacheFolder, openImageCache, type BuildingRows, type CachedImage } from '../../../../../main/engine/data/datasets/image-cache';
import { decodeImageFile } from '../../../../../main/engine/data/datasets/folder';
import { loadDataset } from '../../../../../main/engine/data/datasets';
import { pickSamples, samplesToArray } from '../../../../../main/engine/data/datasets/samples';
import { makeTempDir } from '../../../../fixtures/dataset-files';

const temp = makeTempDir('transfer-lab-image-cache-');
afterAll(() => temp.remove());
const shape = [12, 16, 3] as const;
const size = shape[0] * shape[1] * shape[2];

/** A noisy image whose colour follows i, so every image decodes to different bytes. */
async function writeImage(file: string, i: number): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const raw = Buffer.alloc(24 * 32 * 3);
  for (let p = 0; p < raw.length; p++) raw[p] = (i * 37 + p * (1 + (i % 5))) % 256;
  await sharp(raw, { raw: { width: 32, height: 24, channels: 3 } }).png().toFile(file);
}

let root: string;
let images: CachedImage[];
beforeAll(async () => {
  root = path.join(temp.dir, 'photos');
  images = [];
  for (let i = 0; i < 20; i++) {
    const id = `${i % 2 ? 'b' : 'a'}/${i}.png`;
    await writeImage(path.join(root, id), i);
    images.push({ file: path.join(root, id), id });
  }
});

function counting() {
  let decoded = 0;
  return {
    decode: (file: string, s: readonly [number, number, number]) => {
      decoded += 1;
      return decodeImageFile(file, s);
    },
    get count() {
      return decoded;
    },
  };
}

const cacheFolder = () => path.join(temp.dir, 'data');
const leftovers = () => fs.readdirSync(imageCacheFolder(cacheFolder())).filter((n) => !n.endsWith('.bin'));

describe('image cache', () => {
  it('decodes each image once; a second open reuses the file and reads the same rows', async () => {
    const first = counting();
    const built = await openImageCache({ root, images, shape, cacheFolder: cacheFolder(), decode: first.decode });
    expect(built.built).toBe(true);
    expect(first.count).toBe(20);
    expect(built.samples.count).toBe(20);
    const again = counting();
    const reused = await openImageCache({ root, images, shape, cacheFolder: cacheFolder(), decode: again.decode });
    expect(reused.built).toBe(false);
    expect(again.count).toBe(0);
    const direct = await decodeImageFile(images[7].file, shape);
    const row = new Float32Array(size);
    reused.samples.read(7, row, 0);
    expect(Array.from(row, (v) => Math.round(v * 255))).toEqual(Array.from(direct));
    expect(samplesToArray(reused.samples)).toEqual(samplesToArray(built.samples));
  });

  it('is rebuilt when a file changes, with the new pixels', async () => {
    await writeImage(images[3].file, 99);
    const future = new Date(Date.now() + 5000);
    fs.utimesSync(images[3].file, future, future);
    const decoder = counting();
    const cache = await openImageCache({ root, images, shape, cacheFolder: cacheFolder(), decode: decoder.decode });
    expect(cache.built).toBe(true);
    expect(decoder.count).toBe(20);
    const row = new Float32Array(size);
    cache.samples.read(3, row, 0);
    expect(Array.from(row, (v) => Math.round(v * 255))).toEqual(Array.from(await decodeImageFile(images[3].file, shape)));
  });

  it('is rebuilt when damaged: truncated, or a byte of its pixels changed', async () => {
    const file = imageCacheFile(cacheFolder(), root, shape);
    fs.truncateSync(file, fs.statSync(file).size - 10);
    const afterTruncate = counting();
    expect((await openImageCache({ root, images, shape, cacheFolder: cacheFolder(), decode: afterTruncate.decode })).built).toBe(true);
    expect(afterTruncate.count).toBe(20);

    // The last row is always among those checked; flip one of its bytes.
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 1] ^= 0xff;
    fs.writeFileSync(file, bytes);
    const afterFlip = counting();
    const cache = await openImageCache({ root, images, shape, cacheFolder: cacheFolder(), decode: afterFlip.decode });
    expect(cache.built).toBe(true);
    expect(afterFlip.count).toBe(20);
    expect(fs.readFileSync(file).equals(bytes)).toBe(false);
  });

  it('stops promptly when cancelled while decoding and leaves no cache, whole or partial', async () => {
    const file = imageCacheFile(cacheFolder(), root, [8, 8, 3]);
    let decoded = 0;
    const attempt = openImageCache({
      root,
      images,
      shape: [8, 8, 3],
      cacheFolder: cacheFolder(),
      concurrency: 2,
      decode: (f, s) => {
        decoded += 1;
        return decodeImageFile(f, s);
      },
      isCancelled: () => decoded >= 5,
    });
    await expect(attempt).rejects.toBeInstanceOf(CancelledError);
    expect(decoded).toBeLessThanOrEqual(7);
    expect(fs.existsSync(file)).toBe(false);
    expect(leftovers()).toEqual([]);
    // The next open builds the whole cache.
    const decoder = counting();
    const cache = await openImageCache({ root, images, shape: [8, 8, 3], cacheFolder: cacheFolder(), decode: decoder.decode });
    expect(cache.built).toBe(true);
    expect(decoder.count).toBe(20);
  });

  it('hands out the rows of a cache being built as they are written, read back as the finished cache reads them; not on reuse', async () => {
    const buildShape = [10, 10, 3] as const;
    const file = imageCacheFile(cacheFolder(), root, buildShape);
    const early: Float32Array[] = [];
    let reading: Promise<void> | undefined;
    const decoder = counting();
    const cache = await openImageCache({
      root,
      images,
      shape: buildShape,
      cacheFolder: cacheFolder(),
      concurrency: 3,
      decode: decoder.decode,
      onBuilding: (rows: BuildingRows) => {
        expect(rows.file).toBe(file);
        expect(rows.decoded).toBe(0);
        expect(decoder.count).toBe(0);
        reading = (async () => {
          for (let r = 0; r < rows.samples.count; r++) {
            await rows.ready(r + 1);
            expect(rows.decoded).toBeGreaterThan(r);
            // Still the temporary file: the cache is renamed into place only when complete.
            if (r < rows.samples.count - 1) expect(fs.existsSync(file)).toBe(false);
            const row = new Float32Array(rows.samples.size);
            rows.samples.read(r, row, 0);
            early.push(row);
          }
          rows.close();
        })();
      },
    });
    await reading;
    expect(cache.built).toBe(true);
    expect(early).toHaveLength(20);
    const all = samplesToArray(cache.samples);
    early.forEach((row, r) => expect(row).toEqual(all.subarray(r * row.length, (r + 1) * row.length)));
    // Rows carry where they come from, so a pass over the cache can serve any pick of them.
    expect(cache.samples.origin?.base).toBe(file);
    expect(pickSamples(cache.samples, [7, 3]).origin?.row(1)).toBe(3);
    let calledAgain = false;
    const again = await openImageCache({ root, images, shape: buildShape, cacheFolder: cacheFolder(), decode: decoder.decode, onBuilding: () => (calledAgain = true) });
    expect(again.built).toBe(false);
    expect(calledAgain).toBe(false);
  });

  it('rejects waiting readers when the build is cancelled, and leaves nothing behind', async () => {
    let waiting: Promise<void> | undefined;
    let decoded = 0;
    const attempt = openImageCache({
      root,
      images,
      shape: [9, 9, 3],
      cacheFolder: cacheFolder(),
      concurrency: 2,
      decode: (f, s) => {
        decoded += 1;
        return decodeImageFile(f, s);
      },
      isCancelled: () => decoded >= 6,
      onBuilding: (rows) => {
        waiting = rows.ready(rows.samples.count);
        waiting.catch(() => {}); // looked at below, after the build has stopped
      },
    });
    await expect(attempt).rejects.toBeInstanceOf(CancelledError);
    await expect(waiting).rejects.toBeInstanceOf(CancelledError);
    expect(leftovers()).toEqual([]);
    expect(fs.existsSync(imageCacheFile(cacheFolder(), root, [9, 9, 3]))).toBe(false);
  });

  it('deletes the caches of folders that no longer exist', async () => {
    const goneRoot = path.join(temp.dir, 'gone');
    const goneImages: CachedImage[] = [];
    for (let i = 0; i < 2; i++) {
      await writeImage(path.join(goneRoot, 'a', `${i}.png`), i);
      goneImages.push({ file: path.join(goneRoot, 'a', `${i}.png`), id: `a/${i}.png` });
    }
    await openImageCache({ root: goneRoot, images: goneImages, shape, cacheFolder: cacheFolder(), decode: decodeImageFile });
    const goneFile = imageCacheFile(cacheFolder(), goneRoot, shape);
    expect(fs.existsSync(goneFile)).toBe(true);
    fs.rmSync(goneRoot, { recursive: true });
    await openImageCache({ root, images, shape, cacheFolder: cacheFolder(), decode: decodeImageFile });
    expect(fs.existsSync(goneFile)).toBe(false);
    expect(fs.existsSync(imageCacheFile(cacheFolder(), root, shape))).toBe(true);
  });

  it('serves a folder dataset from the cache in the data folder, and a cancelled load throws CancelledError', async () => {
    const spec = { kind: 'folder' as const, path: root, imageSize: [10, 10] as [number, number], channels: 3 as const };
    const dataFolder = path.join(temp.dir, 'app-data');
    const ds = await loadDataset(spec, { seed: 1, dataFolder });
    expect(fs.existsSync(imageCacheFile(dataFolder, root, [10, 10, 3]))).toBe(true);
    expect(ds.train.y.length + ds.test.y.length).toBe(20);
    const k = ds.train.ids.indexOf(images[5].id);
    const row = new Float32Array(300);
    ds.train.x.read(k, row, 0);
    expect(Array.from(row, (v) => Math.round(v * 255))).toEqual(Array.from(await decodeImageFile(images[5].file, [10, 10, 3])));
    await expect(loadDataset({ ...spec, imageSize: [9, 9] }, { seed: 1, dataFolder, isCancelled: () => true })).rejects.toBeInstanceOf(CancelledError);
    expect(fs.existsSync(imageCacheFile(dataFolder, root, [9, 9, 3]))).toBe(false);
  });
});
