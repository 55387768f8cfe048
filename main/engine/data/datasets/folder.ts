// The 'folder' kind: one sub-folder per class (split by testSplit), or train/ and test/
// each with one sub-folder per class. Images are decoded and resized with sharp.
//
// Choices, documented for users in the spec docs:
// - Class names are the sub-folder names in Unicode NFC (macOS stores them decomposed), in
//   code-unit order: the same classes in the same order on every OS and locale.
// - Files are taken by extension (png, jpg/jpeg, webp, gif (first frame), tif/tiff, avif,
//   bmp); other files (README, notes.txt, …) are ignored with a warning that counts and names
//   them; hidden files (.DS_Store) and Thumbs.db/desktop.ini silently. sharp's prebuilt
//   libvips cannot read BMP, so .bmp files are reported as skipped rather than silently ignored.
// - Size: the spec's imageSize, else the first image's size, scaled down (aspect kept) so
//   its longer side is at most 64 pixels. Every image is stretched to that size (no crop),
//   so no part of the object is lost.
// - Channels: the spec's channels, else 1 when the first image is gray, otherwise 3.
//   Transparent pixels are flattened onto white (the way viewers show them); alpha is
//   never a channel of its own.
// - Images that do not decode are skipped and listed in warnings; when more than half of
//   them fail, loading fails instead, since the folder is probably not what was meant.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { DatasetError } from './dataset';
import { compareClassNames, normalizeClassName } from './class-names';
import type { SourceData, SourceSplit } from './source-data';
import { defaultCacheFolder, openImageCache, type BuildingRows } from './image-cache';
import { pickSamples, type Samples } from './samples';

export const MAX_DEFAULT_IMAGE_SIDE = 64;
const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp', '.gif', '.tif', '.tiff', '.avif', '.bmp']);
/** How many skipped files a warning names (it always gives the count). */
const MAX_LISTED_FILES = 5;

interface ImageFile {
  file: string;
  /** Path relative to the dataset folder, used as the sample id. */
  id: string;
  label: number;
}

/**
 * Sub-folders of `folder` as class names (NFC, code-unit order) mapped to their names on disk,
 * which differ on macOS (NFD). Two folders that are the same name in different Unicode forms
 * (possible on Linux) would be one class, so they are refused.
 */
async function listDirs(folder: string): Promise<Map<string, string>> {
  const entries = await fs.readdir(folder, { withFileTypes: true });
  const byName = new Map<string, string>();
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const name = normalizeClassName(entry.name);
    const earlier = byName.get(name);
    if (earlier !== undefined) {
      throw new DatasetError(`image folder ${folder} has two sub-folders named "${name}" (in different Unicode forms); rename one`);
    }
    byName.set(name, entry.name);
  }
  return new Map([...byName].sort(([a], [b]) => compareClassNames(a, b)));
}

/** Files every file manager leaves behind; not worth a warning. */
const SYSTEM_FILES = new Set(['thumbs.db', 'desktop.ini']);

async function listImages(folder: string): Promise<{ images: string[]; others: string[] }> {
  // A class may be missing from test/: that class then simply has no test images.
  const entries = await fs.readdir(folder, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  const files = entries.filter((e) => e.isFile() && !e.name.startsWith('.') && !SYSTEM_FILES.has(e.name.toLowerCase())).map((e) => e.name).sort(compareClassNames);
  const isImage = (name: string) => IMAGE_EXTENSIONS.has(path.extname(name).toLowerCase());
  return { images: files.filter(isImage), others: files.filter((name) => !isImage(name)) };
}

async function collectClassFolders(root: string, sub: string, classNames: string[], onDisk: Map<string, string>, ignored: string[]): Promise<ImageFile[]> {
  const files: ImageFile[] = [];
  for (const [label, name] of classNames.entries()) {
    const folderName = onDisk.get(name);
    if (folderName === undefined) continue;
    const dir = path.join(root, sub, folderName);
    const { images, others } = await listImages(dir);
    for (const image of images) files.push({ file: path.join(dir, image), id: path.posix.join(...[sub, name, image.normalize('NFC')].filter(Boolean)), label });
    for (const other of others) ignored.push(path.posix.join(...[sub, name, other.normalize('NFC')].filter(Boolean)));
  }
  return files;
}

/** "3 files (a, b, c)" or "12 files (a, b, c, d, e, …)": the count and the first few names. */
function someFiles(names: string[], what: string): string {
  const shown = names.slice(0, MAX_LISTED_FILES).join('; ');
  return `${names.length} ${what}${names.length === 1 ? '' : 's'} (${shown}${names.length > MAX_LISTED_FILES ? '; …' : ''})`;
}

async function describeLayout(root: string): Promise<{ classNames: string[]; train: ImageFile[]; test?: ImageFile[]; ignored: string[] }> {
  const stat = await fs.stat(root).catch(() => null);
  if (!stat) throw new DatasetError(`image folder not found: ${root}`);
  if (!stat.isDirectory()) throw new DatasetError(`image folder path is not a folder: ${root}`);
  const dirs = await listDirs(root);
  const split = dirs.get('train') === 'train' && dirs.get('test') === 'test';
  const classRoot = split ? path.join(root, 'train') : root;
  const trainFolders = await listDirs(classRoot);
  const classNames = [...trainFolders.keys()];
  if (classNames.length === 0) {
    throw new DatasetError(`image folder ${classRoot} has no class sub-folders; expected one sub-folder of images per class${split ? '' : ' (or train/ and test/ each holding them)'}`);
  }
  if (classNames.length === 1) {
    throw new DatasetError(`image folder ${classRoot} has only one class sub-folder (${classNames[0]}); need at least two classes`);
  }
  const ignored: string[] = [];
  const train = await collectClassFolders(root, split ? 'train' : '', classNames, trainFolders, ignored);
  let test: ImageFile[] | undefined;
  if (split) {
    const testRoot = path.join(root, 'test');
    const testFolders = await listDirs(testRoot);
    const unknown = [...testFolders.keys()].filter((n) => !trainFolders.has(n));
    if (unknown.length > 0) {
      throw new DatasetError(`image folder ${testRoot} has class sub-folders not in ${classRoot}: ${unknown.join(', ')}`);
    }
    test = await collectClassFolders(root, 'test', classNames, testFolders, ignored);
    if (test.length === 0) throw new DatasetError(`image folder ${testRoot} has no images in its class sub-folders`);
  }
  if (train.length === 0) throw new DatasetError(`image folder ${classRoot} has class sub-folders but no images in them`);
  return { classNames, train, test, ignored };
}

/** Decides the output size and channels from the options or the first readable image. */
async function chooseGeometry(files: ImageFile[], imageSize?: [number, number], channels?: 1 | 3): Promise<[number, number, number]> {
  if (imageSize && channels) return [imageSize[0], imageSize[1], channels];
  for (const f of files) {
    const meta = await sharp(f.file).metadata().catch(() => null);
    if (!meta?.width || !meta.height) continue;
    const scale = Math.min(1, MAX_DEFAULT_IMAGE_SIDE / Math.max(meta.width, meta.height));
    const h = imageSize?.[0] ?? Math.max(1, Math.round(meta.height * scale));
    const w = imageSize?.[1] ?? Math.max(1, Math.round(meta.width * scale));
    const gray = (meta.channels ?? 3) <= 2; // gray, or gray + alpha
    return [h, w, channels ?? (gray ? 1 : 3)];
  }
  return [imageSize?.[0] ?? MAX_DEFAULT_IMAGE_SIDE, imageSize?.[1] ?? MAX_DEFAULT_IMAGE_SIDE, channels ?? 3];
}

/** Decodes one image file to h × w × c bytes (HWC), alpha flattened onto white. */
export async function decodeImageFile(file: string, [h, w, c]: readonly [number, number, number]): Promise<Uint8Array> {
  let pipeline = sharp(file, { failOn: 'error' })
    .flatten({ background: '#ffffff' })
    .resize(w, h, { fit: 'fill', kernel: 'linear' });
  pipeline = c === 1 ? pipeline.toColourspace('b-w') : pipeline.toColourspace('srgb');
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== c || info.width !== w || info.height !== h) {
    throw new Error(`decoded to ${info.height} × ${info.width} × ${info.channels}, expected ${h} × ${w} × ${c}`);
  }
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

export interface ImageFolderOptions {
  imageSize?: [number, number];
  channels?: 1 | 3;
  /** The folder holding the decoded-image cache (the app's data folder); a temporary folder otherwise. */
  cacheFolder?: string;
  /** Polled while decoding; true stops loading (CancelledError) and leaves no cache behind. */
  isCancelled?: () => boolean;
  /**
   * Called when the cache is built now (a cold cache), before decoding starts: the folder as
   * it will load if every image decodes, its rows readable as they are written.
   */
  onBuilding?: (building: BuildingFolder) => void;
}

/** A folder whose cache is being built (ImageFolderOptions.onBuilding). */
export interface BuildingFolder {
  /** Every image counted as decodable; the loaded folder drops those that fail. */
  source: SourceData;
  rows: BuildingRows;
}

/**
 * Lists the folder and decodes every image once into the on-disk cache (image-cache.ts), or
 * reuses the cache; the samples are rows of that cache, read as batches are needed.
 */
export async function loadImageFolder(
  root: string,
  options: ImageFolderOptions,
  onProgress?: (done: number, total: number) => void,
): Promise<SourceData> {
  const layout = await describeLayout(root);
  const all = [...layout.train, ...(layout.test ?? [])];
  const shape = await chooseGeometry(all, options.imageSize, options.channels);
  const description = `image folder ${path.basename(path.resolve(root))}`;
  const sourceData = (samples: Samples, ok: Uint8Array, warnings: string[]): SourceData => {
    const toSplit = (start: number, count: number): SourceSplit => {
      const kept: number[] = [];
      for (let i = start; i < start + count; i++) if (ok[i]) kept.push(i);
      return { values: pickSamples(samples, kept), labels: Int32Array.from(kept, (i) => all[i].label), id: (k) => all[kept[k]].id };
    };
    return {
      description,
      classNames: layout.classNames,
      shape: [...shape],
      train: toSplit(0, layout.train.length),
      test: layout.test ? toSplit(layout.train.length, layout.test.length) : undefined,
      warnings,
    };
  };
  const onBuilding = options.onBuilding;
  const cache = await openImageCache({
    root,
    images: all,
    shape,
    cacheFolder: options.cacheFolder ?? defaultCacheFolder(),
    decode: decodeImageFile,
    onProgress,
    isCancelled: options.isCancelled,
    onBuilding: onBuilding && ((rows) => onBuilding({ source: sourceData(rows.samples, new Uint8Array(all.length).fill(1), []), rows })),
  });
  const ok = Uint8Array.from(cache.failed, (f) => (f === null ? 1 : 0));
  const failures: string[] = [];
  cache.failed.forEach((reason, i) => {
    if (reason === null) return;
    failures.push(`${all[i].id}: ${path.extname(all[i].file).toLowerCase() === '.bmp' ? 'BMP is not supported' : reason}`);
  });

  failures.sort();
  if (failures.length * 2 > all.length) {
    throw new DatasetError(
      `image folder ${root}: ${failures.length} of ${all.length} images could not be decoded, e.g. ${failures.slice(0, 3).join('; ')}`,
    );
  }
  const warnings: string[] = [];
  if (failures.length > 0) warnings.push(`skipped ${someFiles(failures, 'image')} that could not be decoded`);
  if (layout.ignored.length > 0) {
    warnings.push(`ignored ${someFiles(layout.ignored.sort(), 'file')} that ${layout.ignored.length === 1 ? 'is' : 'are'} not an image (${[...IMAGE_EXTENSIONS].join(', ')})`);
  }
  return sourceData(cache.samples, ok, warnings);
}

/**
 * The folder as listed, not decoded: classes, which files belong to which split, and the
 * size images would decode at (from the first image's header). For counting samples (an
 * estimate of a run's cost) without decoding a whole folder; its samples cannot be read.
 */
export async function listImageFolder(root: string, options: Pick<ImageFolderOptions, 'imageSize' | 'channels'>): Promise<SourceData> {
  const layout = await describeLayout(root);
  const shape = await chooseGeometry([...layout.train, ...(layout.test ?? [])], options.imageSize, options.channels);
  const size = shape[0] * shape[1] * shape[2];
  const listed = (files: ImageFile[]): SourceSplit => ({
    values: {
      count: files.length,
      size,
      read: () => {
        throw new Error(`image folder ${root} was listed, not decoded: its samples cannot be read`);
      },
    },
    labels: Int32Array.from(files, (f) => f.label),
    id: (i) => files[i].id,
  });
  return {
    description: `image folder ${path.basename(path.resolve(root))}`,
    classNames: layout.classNames,
    shape: [...shape],
    train: listed(layout.train),
    test: layout.test ? listed(layout.test) : undefined,
    warnings: [],
  };
}
