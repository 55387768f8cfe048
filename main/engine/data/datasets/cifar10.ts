// The 'cifar10' kind: the binary version of CIFAR-10 (https://www.cs.toronto.edu/~kriz/cifar.html).
// Each batch file is a run of 3073-byte records: one label byte, then 1024 red, 1024 green
// and 1024 blue bytes (planar, row-major 32 × 32), which are converted here to NHWC.
// The folder may be the extracted cifar-10-batches-bin/ itself or hold it, so the
// downloader can point this loader at its cache unchanged.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DatasetError } from './dataset';
import { readDataFile } from './binary-file';
import type { SourceData, SourceSplit } from './source-data';

export const CIFAR10_CLASS_NAMES = [
  'airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck',
];
const SIDE = 32;
const PLANE = SIDE * SIDE;
export const CIFAR10_RECORD_BYTES = 1 + 3 * PLANE;
const TRAIN_FILES = [1, 2, 3, 4, 5].map((n) => `data_batch_${n}.bin`);
const TEST_FILE = 'test_batch.bin';

export interface CifarBatch {
  /** count × 32 × 32 × 3 bytes, NHWC. */
  pixels: Uint8Array;
  labels: Int32Array;
}

/** Parses one batch file's bytes; `file` names it in errors. */
export function parseCifarBatch(bytes: Uint8Array, file: string, classCount = 10): CifarBatch {
  const count = Math.floor(bytes.length / CIFAR10_RECORD_BYTES);
  const rest = bytes.length - count * CIFAR10_RECORD_BYTES;
  if (rest !== 0) {
    throw new DatasetError(
      `CIFAR-10 batch ${file} ends with a truncated record: ${bytes.length} bytes is not a whole number of ${CIFAR10_RECORD_BYTES}-byte records (record ${count + 1} has ${rest} bytes; expected ${(count + 1) * CIFAR10_RECORD_BYTES} bytes in all)`,
    );
  }
  const pixels = new Uint8Array(count * PLANE * 3);
  const labels = new Int32Array(count);
  for (let r = 0; r < count; r++) {
    const base = r * CIFAR10_RECORD_BYTES;
    const label = bytes[base];
    if (label >= classCount) {
      throw new DatasetError(`CIFAR-10 batch ${file}: record ${r + 1} has label ${label}, expected 0..${classCount - 1}`);
    }
    labels[r] = label;
    const out = r * PLANE * 3;
    for (let p = 0; p < PLANE; p++) {
      pixels[out + p * 3] = bytes[base + 1 + p];
      pixels[out + p * 3 + 1] = bytes[base + 1 + PLANE + p];
      pixels[out + p * 3 + 2] = bytes[base + 1 + 2 * PLANE + p];
    }
  }
  return { pixels, labels };
}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(() => true, () => false);
}

async function locateBatches(folder: string): Promise<string> {
  const stat = await fs.stat(folder).catch(() => null);
  if (!stat) throw new DatasetError(`CIFAR-10 folder not found: ${folder}`);
  if (!stat.isDirectory()) throw new DatasetError(`CIFAR-10 path is not a folder: ${folder}`);
  const nested = path.join(folder, 'cifar-10-batches-bin');
  if (!(await exists(path.join(folder, TRAIN_FILES[0]))) && (await exists(nested))) return nested;
  return folder;
}

async function readClassNames(folder: string, warnings: string[]): Promise<string[]> {
  const metaFile = path.join(folder, 'batches.meta.txt');
  const text = await fs.readFile(metaFile, 'utf8').catch(() => null);
  if (text === null) return [...CIFAR10_CLASS_NAMES];
  const names = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  if (names.length < 2) {
    warnings.push(`${metaFile} lists ${names.length} class names; using the standard CIFAR-10 names`);
    return [...CIFAR10_CLASS_NAMES];
  }
  return names;
}

function concatBatches(batches: CifarBatch[], prefix: string, fileNames: string[]): SourceSplit {
  const total = batches.reduce((n, b) => n + b.labels.length, 0);
  const pixels = new Uint8Array(total * PLANE * 3);
  const labels = new Int32Array(total);
  const starts: number[] = [];
  let offset = 0;
  for (const b of batches) {
    starts.push(offset);
    pixels.set(b.pixels, offset * PLANE * 3);
    labels.set(b.labels, offset);
    offset += b.labels.length;
  }
  // Ids name the batch file and record, so a misclassified example can be found in the source.
  const id = (index: number): string => {
    let k = starts.length - 1;
    while (starts[k] > index) k--;
    return `${prefix}${fileNames[k]}#${index - starts[k]}`;
  };
  return { values: pixels, labels, id };
}

export async function loadCifar10Folder(
  folderArg: string,
  onProgress?: (done: number, total: number) => void,
): Promise<SourceData> {
  const folder = await locateBatches(folderArg);
  const warnings: string[] = [];
  const classNames = await readClassNames(folder, warnings);
  const present: string[] = [];
  for (const f of TRAIN_FILES) if (await exists(path.join(folder, f))) present.push(f);
  if (present.length === 0) {
    throw new DatasetError(`CIFAR-10 folder ${folder} has none of ${TRAIN_FILES.join(', ')}`);
  }
  if (present.length < TRAIN_FILES.length) {
    warnings.push(`CIFAR-10 folder ${folder} lacks ${TRAIN_FILES.filter((f) => !present.includes(f)).join(', ')}; using ${present.join(', ')}`);
  }
  const hasTest = await exists(path.join(folder, TEST_FILE));
  const total = present.length + (hasTest ? 1 : 0);
  let done = 0;
  onProgress?.(done, total);
  const readBatch = async (name: string) => {
    const file = path.join(folder, name);
    const batch = parseCifarBatch(await readDataFile(file, 'CIFAR-10 batch'), file, classNames.length);
    onProgress?.(++done, total);
    return batch;
  };
  const trainBatches: CifarBatch[] = [];
  for (const f of present) trainBatches.push(await readBatch(f));
  const test = hasTest ? concatBatches([await readBatch(TEST_FILE)], '', [TEST_FILE]) : undefined;
  return {
    description: `CIFAR-10 (${folderArg})`,
    classNames,
    shape: [SIDE, SIDE, 3],
    train: concatBatches(trainBatches, '', present),
    test,
    warnings,
  };
}
