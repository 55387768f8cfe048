// The decoded-image cache of an image folder: every image decoded once (in parallel, sharp
// across the cores) to uint8 at the size the model needs, in one file in the data folder.
// Later loads read rows from it instead of decoding again, and training reads batches from it,
// so memory never holds the folder (12,000 photos at 224 × 224 are 1.8 GB as bytes, 7 GB as
// floats).
//
// One cache file per (folder, decoded shape): <cacheFolder>/image-cache/<hash>.bin, holding
//   "TLIMGC01" | uint32 header length | header JSON | padding to 8 | per-row crc32 (uint32 × count) | rows
// The header records the key (the files' names, sizes and modification times and the decode
// options): a file added, removed or changed gives another key, and the cache is rebuilt.
// It is built under a temporary name and renamed into place only when complete, so a
// cancelled or crashed build is never read. At open, the length, the header and the crc32 of
// up to CHECKED_ROWS rows spread over the file are checked; a damaged cache is rebuilt.
// Caches whose folder no longer exists are deleted whenever a cache is opened.
//
// While a cache is built its rows can be read as they are written (BuildingRows, given to
// onBuilding), so the frozen prefix's feature pass can run while the rest still decodes.
// Images are handed to the decoders in row order and finish out of order; `ready(end)`
// waits for the contiguous prefix 0..end-1. The rows are read through a read handle of
// their own on the temporary file: the build closes and renames its handle when done, and
// on every OS an open file can be read after it is renamed (Node opens files on Windows with
// FILE_SHARE_DELETE). A reader never turns the temporary file into a cache: only the build's
// own rename does, so the rule above holds.
import { createHash } from 'node:crypto';
import fs, { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { DatasetError } from './dataset';
import type { Samples } from './samples';
import { readRows } from './file-rows';
import { renameRetrying } from '../../fs-retry';

const MAGIC = Buffer.from('TLIMGC01', 'latin1');
/** Bump when decoding changes (options, library behaviour): older caches are then rebuilt. */
const DECODER_VERSION = 1;
const CHECKED_ROWS = 64;

export interface CachedImage {
  file: string;
  /** The sample id (the path relative to the dataset folder). */
  id: string;
}

export interface ImageCacheOptions {
  root: string;
  images: readonly CachedImage[];
  shape: readonly [number, number, number];
  /** The folder holding image-cache/ (the app's data folder). */
  cacheFolder: string;
  decode: (file: string, shape: readonly [number, number, number]) => Promise<Uint8Array>;
  onProgress?: (done: number, total: number) => void;
  /** Polled between images; true stops the build, deletes what it wrote, and throws CancelledError. */
  isCancelled?: () => boolean;
  /** Images decoded at once (default: twice the cores, at least 4). */
  concurrency?: number;
  /** Called once, before the first image is decoded, when the cache is built now (not when reused). */
  onBuilding?: (rows: BuildingRows) => void;
}

/** The rows of a cache being built, readable as they are written. */
export interface BuildingRows {
  /** The cache file it becomes: the rows' origin (samples.ts `origin`). */
  file: string;
  /** Every row; read only rows below an `end` whose `ready(end)` has resolved. */
  samples: Samples;
  /** The rows 0..decoded-1 are written (rows finish out of order: this is the contiguous prefix). */
  readonly decoded: number;
  /** Resolves once rows 0..end-1 are written; rejects when the build stops first (cancel, error). */
  ready(end: number): Promise<void>;
  /** Closes the read handle (also closed when the samples are collected). */
  close(): void;
}

export interface ImageCache {
  file: string;
  /** Every image as a row (failed images are zero rows; see `failed`). */
  samples: Samples;
  /** For each image, the reason it could not be decoded, or null. */
  failed: (string | null)[];
  /** True when this open decoded the images; false when an existing cache was reused. */
  built: boolean;
}

interface Header {
  version: number;
  key: string;
  root: string;
  shape: [number, number, number];
  count: number;
  failed: (string | null)[];
}

export class CancelledError extends Error {
  constructor(message = 'cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}

/** The folder's images as a key: any file added, removed, resized or touched changes it. */
async function cacheKey(images: readonly CachedImage[], shape: readonly number[]): Promise<string> {
  const hash = createHash('sha256');
  hash.update(JSON.stringify([DECODER_VERSION, shape]));
  for (const image of images) {
    const stat = await fsp.stat(image.file);
    hash.update(`\n${image.id}\0${stat.size}\0${stat.mtimeMs}`);
  }
  return hash.digest('hex');
}

export function imageCacheFolder(cacheFolder: string): string {
  return path.join(cacheFolder, 'image-cache');
}

export function imageCacheFile(cacheFolder: string, root: string, shape: readonly number[]): string {
  const name = createHash('sha256').update(JSON.stringify([path.resolve(root), shape])).digest('hex').slice(0, 32);
  return path.join(imageCacheFolder(cacheFolder), `${name}.bin`);
}

/** Where an image folder's cache goes when the caller gives no data folder. */
export function defaultCacheFolder(): string {
  return path.join(os.tmpdir(), 'transfer-lab-cache');
}

function layout(headerLength: number, count: number, size: number): { crcAt: number; dataAt: number; total: number } {
  const crcAt = Math.ceil((MAGIC.length + 4 + headerLength) / 8) * 8;
  const dataAt = crcAt + count * 4;
  return { crcAt, dataAt, total: dataAt + count * size };
}

function readHeader(fd: number): { header: Header; headerLength: number } | null {
  const start = Buffer.alloc(MAGIC.length + 4);
  if (fs.readSync(fd, start, 0, start.length, 0) !== start.length || !start.subarray(0, MAGIC.length).equals(MAGIC)) return null;
  const headerLength = start.readUInt32LE(MAGIC.length);
  if (headerLength > 64 * 2 ** 20) return null;
  const json = Buffer.alloc(headerLength);
  if (fs.readSync(fd, json, 0, headerLength, start.length) !== headerLength) return null;
  try {
    return { header: JSON.parse(json.toString('utf8')) as Header, headerLength };
  } catch {
    return null;
  }
}

/** Opens an existing cache when it is complete, undamaged and has `key`; null otherwise. */
function openExisting(file: string, key: string, size: number): { fd: number; header: Header; dataAt: number } | null {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return null;
  }
  const ok = ((): { header: Header; dataAt: number } | null => {
    const read = readHeader(fd);
    if (!read || read.header.key !== key || read.header.version !== DECODER_VERSION) return null;
    const { header, headerLength } = read;
    const { crcAt, dataAt, total } = layout(headerLength, header.count, size);
    if (fs.fstatSync(fd).size !== total || header.failed.length !== header.count) return null;
    const crcs = Buffer.alloc(header.count * 4);
    fs.readSync(fd, crcs, 0, crcs.length, crcAt);
    const row = Buffer.alloc(size);
    const checks = Math.min(header.count, CHECKED_ROWS);
    for (let k = 0; k < checks; k++) {
      const r = checks === 1 ? 0 : Math.round((k * (header.count - 1)) / (checks - 1));
      fs.readSync(fd, row, 0, size, dataAt + r * size);
      if (zlib.crc32(row) !== crcs.readUInt32LE(r * 4)) return null;
    }
    return { header, dataAt };
  })();
  if (!ok) {
    fs.closeSync(fd);
    return null;
  }
  return { fd, ...ok };
}

const closeOnCollect = new FinalizationRegistry<number>((fd) => fs.close(fd, () => {}));

/**
 * Rows of the cache file, read on demand and scaled to [0, 1]: one at a time on this thread
 * (read), or a batch at a time by the reader thread (readRowsAsync, file-rows.ts).
 */
function fileSamples(file: string, fd: number, dataAt: number, count: number, size: number): Samples {
  const row = new Uint8Array(size);
  const what = `image cache ${file}`;
  const samples: Samples = {
    count,
    size,
    read: (r, dst, offset) => {
      let got: number;
      try {
        got = fs.readSync(fd, row, 0, size, dataAt + r * size);
      } catch (error) {
        throw new DatasetError(`could not read ${what}: ${(error as Error).message}`);
      }
      if (got !== size) throw new DatasetError(`could not read ${what}: the file ends within row ${r}`);
      for (let i = 0; i < size; i++) dst[offset + i] = row[i] / 255;
    },
    origin: { base: file, row: (r) => r },
    readRowsAsync: (rows, dst) => readRows({ fd, what, dataAt, rowBytes: size, kind: 'bytes' }, rows, dst),
  };
  closeOnCollect.register(samples, fd, samples);
  return samples;
}

/** Tracks which rows are written and who waits for them; see BuildingRows. */
class RowProgress {
  private readonly written: Uint8Array;
  private waiters: { end: number; resolve: () => void; reject: (error: Error) => void }[] = [];
  private failure: Error | null = null;
  prefix = 0;
  constructor(readonly count: number) {
    this.written = new Uint8Array(count);
  }
  markWritten(row: number): void {
    this.written[row] = 1;
    while (this.prefix < this.count && this.written[this.prefix]) this.prefix++;
    const waiting = this.waiters;
    this.waiters = waiting.filter((w) => w.end > this.prefix);
    for (const w of waiting) if (w.end <= this.prefix) w.resolve();
  }
  fail(error: Error): void {
    this.failure ??= error;
    for (const w of this.waiters) w.reject(this.failure);
    this.waiters = [];
  }
  ready(end: number): Promise<void> {
    if (end <= this.prefix) return Promise.resolve();
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiters.push({ end, resolve, reject }));
  }
}

/** Rows of the temporary file as they are written, through a read handle of their own. */
function buildingRows(file: string, temporary: string, dataAt: number, size: number, progress: RowProgress): BuildingRows {
  const fd = fs.openSync(temporary, 'r');
  let open = true;
  const samples = fileSamples(file, fd, dataAt, progress.count, size);
  const close = () => {
    if (!open) return;
    open = false;
    closeOnCollect.unregister(samples);
    fs.closeSync(fd);
  };
  return {
    file,
    samples,
    get decoded() {
      return progress.prefix;
    },
    ready: (end) => progress.ready(end),
    close,
  };
}

/** Decodes every image into a temporary file, then renames it into place. */
async function build(options: ImageCacheOptions, file: string, key: string): Promise<void> {
  const { images, shape } = options;
  const size = shape[0] * shape[1] * shape[2];
  const count = images.length;
  const failed: (string | null)[] = new Array(count).fill(null);
  const crcs = Buffer.alloc(count * 4);
  // Failure reasons are only known at the end, so the header is written last, at a fixed
  // length reserved now (reasons beyond it are shortened).
  const reserve = Math.max(4096, JSON.stringify({ version: DECODER_VERSION, key, root: path.resolve(options.root), shape, count, failed }).length + count * 16 + 4096);
  const { crcAt, dataAt } = layout(reserve, count, size);
  const temporary = `${file}.${process.pid}.${Date.now()}.partial`;
  await fsp.mkdir(path.dirname(file), { recursive: true });
  const handle = await fsp.open(temporary, 'w');
  let cancelled = false;
  const progress = new RowProgress(count);
  try {
    if (options.onBuilding) options.onBuilding(buildingRows(file, temporary, dataAt, size, progress));
    let next = 0;
    let done = 0;
    options.onProgress?.(0, count);
    const worker = async () => {
      while (next < count && !cancelled) {
        if (options.isCancelled?.()) {
          cancelled = true;
          break;
        }
        const i = next++;
        let pixels: Uint8Array;
        try {
          pixels = await options.decode(images[i].file, shape);
        } catch (error) {
          failed[i] = (error as Error).message;
          pixels = new Uint8Array(size);
        }
        crcs.writeUInt32LE(zlib.crc32(pixels), i * 4);
        await handle.write(pixels, 0, size, dataAt + i * size);
        progress.markWritten(i);
        options.onProgress?.(++done, count);
      }
    };
    const concurrency = options.concurrency ?? Math.max(4, os.cpus().length * 2);
    await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, count)) }, worker));
    if (cancelled) throw new CancelledError('cancelled while decoding images');
    let header = Buffer.from(JSON.stringify({ version: DECODER_VERSION, key, root: path.resolve(options.root), shape: [...shape], count, failed } satisfies Header));
    if (header.length > reserve) {
      const short = failed.map((f) => (f === null ? null : f.slice(0, 8)));
      header = Buffer.from(JSON.stringify({ version: DECODER_VERSION, key, root: path.resolve(options.root), shape, count, failed: short }));
    }
    const padded = Buffer.alloc(reserve, 0x20); // JSON may be followed by spaces
    header.copy(padded);
    const start = Buffer.alloc(MAGIC.length + 4);
    MAGIC.copy(start);
    start.writeUInt32LE(reserve, MAGIC.length);
    await handle.write(start, 0, start.length, 0);
    await handle.write(padded, 0, padded.length, start.length);
    await handle.write(crcs, 0, crcs.length, crcAt);
    await handle.truncate(dataAt + count * size);
    await handle.sync();
    await handle.close();
    await renameRetrying(temporary, file);
  } catch (error) {
    progress.fail(error as Error);
    await handle.close().catch(() => {});
    await fsp.rm(temporary, { force: true });
    throw error;
  }
}

/** Deletes caches whose image folder is gone, and partial files a crashed build left behind. */
export async function pruneImageCaches(cacheFolder: string): Promise<string[]> {
  const folder = imageCacheFolder(cacheFolder);
  const names = await fsp.readdir(folder).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names) {
    const file = path.join(folder, name);
    let remove = false;
    if (name.endsWith('.partial')) {
      // Another process may be building it right now: only old ones are leftovers.
      const stat = await fsp.stat(file).catch(() => null);
      remove = stat !== null && Date.now() - stat.mtimeMs > 24 * 3600 * 1000;
    } else if (name.endsWith('.bin')) {
      const fd = fs.openSync(file, 'r');
      const read = (() => {
        try {
          return readHeader(fd);
        } finally {
          fs.closeSync(fd);
        }
      })();
      remove = !read || !fs.existsSync(read.header.root);
    }
    if (remove) {
      await fsp.rm(file, { force: true });
      removed.push(file);
    }
  }
  return removed;
}

/** The folder's decoded images: the cache when it is current and sound, else built now. */
export async function openImageCache(options: ImageCacheOptions): Promise<ImageCache> {
  const size = options.shape[0] * options.shape[1] * options.shape[2];
  const file = imageCacheFile(options.cacheFolder, options.root, options.shape);
  await pruneImageCaches(options.cacheFolder).catch(() => []);
  const key = await cacheKey(options.images, options.shape);
  let opened = openExisting(file, key, size);
  let built = false;
  if (!opened) {
    await build(options, file, key);
    built = true;
    opened = openExisting(file, key, size);
    if (!opened) throw new DatasetError(`image cache ${file} could not be read back after it was written`);
  } else {
    options.onProgress?.(options.images.length, options.images.length);
  }
  return { file, samples: fileSamples(file, opened.fd, opened.dataAt, opened.header.count, size), failed: opened.header.failed, built };
}
