// Reads a data file whole, gunzipping it when it starts with the gzip magic bytes (1f 8b):
// files are recognised by content, not by name, since downloads and copies lose suffixes.
//
// Memory stays bounded whatever the file: only regular files are read (not /dev/zero or a
// pipe); a format's header says how large the data must be, and that is checked against the
// file's size before the file is read (a 2 GB sparse file with a wrong count is refused at
// once); gzip output is decompressed as a stream and stopped as soon as it passes what the
// header declares or the data limit; and no file larger than the limit is read at all.
import fs, { promises as fsp } from 'node:fs';
import os from 'node:os';
import zlib from 'node:zlib';
import { DatasetError } from './dataset';

/**
 * How much memory one dataset file, or one dataset as float32, may take unless
 * TRANSFER_LAB_DATA_LIMIT_MB says otherwise: a quarter of the machine's memory, at least 2 GiB
 * (room for CIFAR-10 as float32, 0.7 GiB, on any machine).
 */
export function defaultDataLimitBytes(): number {
  return Math.max(2 * 2 ** 30, Math.floor(os.totalmem() / 4 / 2 ** 20) * 2 ** 20);
}

/** The limit in bytes: TRANSFER_LAB_DATA_LIMIT_MB (whole MiB), else the default. */
export function dataLimitBytes(): number {
  const text = process.env.TRANSFER_LAB_DATA_LIMIT_MB;
  const mb = text === undefined ? Number.NaN : Number(text);
  return Number.isInteger(mb) && mb > 0 ? mb * 2 ** 20 : defaultDataLimitBytes();
}

export function formatBytes(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

function limitNote(limit: number): string {
  return `the ${formatBytes(limit)} a dataset file may take (TRANSFER_LAB_DATA_LIMIT_MB raises it)`;
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** What a format's header says the whole (uncompressed) file must hold, once enough of it is known. */
export interface DeclaredSize {
  /** How many leading bytes the header needs. */
  headerBytes: number;
  /** The file size the header declares, and how to say why ("for dimensions 30 × 5 × 4"); null if the header is unusable (the parser will say why). */
  size(header: Uint8Array): { bytes: number; because: string } | null;
}

/** Refuses what is not a regular file of at most the data limit; `what` names the file's role in errors. */
export async function checkDataFile(file: string, what: string): Promise<fs.Stats> {
  let stats: fs.Stats;
  try {
    stats = await fsp.stat(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DatasetError(`${what} not found: ${file}`);
    throw new DatasetError(`cannot read ${what} ${file}: ${(error as Error).message}`);
  }
  if (stats.isDirectory()) throw new DatasetError(`${what} is a folder, expected a file: ${file}`);
  if (!stats.isFile()) throw new DatasetError(`${what} ${file} is not a regular file (a device, pipe or socket); expected a data file`);
  const limit = dataLimitBytes();
  if (stats.size > limit) throw new DatasetError(`${what} ${file} is ${formatBytes(stats.size)}, more than ${limitNote(limit)}`);
  return stats;
}

async function readRange(file: string, position: number, length: number): Promise<Buffer> {
  const handle = await fsp.open(file, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, position);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** `what` names the role of the file in errors, e.g. "IDX images file". */
export async function readDataFile(file: string, what: string, declared?: DeclaredSize): Promise<Buffer> {
  const stats = await checkDataFile(file, what);
  const head = await readRange(file, 0, Math.max(2, declared?.headerBytes ?? 0));
  if (!isGzip(head)) {
    const expected = declared && head.length >= declared.headerBytes ? declared.size(head) : null;
    if (expected && expected.bytes !== stats.size) {
      throw new DatasetError(`${what} ${file} has ${stats.size} bytes, expected ${expected.bytes} ${expected.because}`);
    }
    try {
      return await fsp.readFile(file);
    } catch (error) {
      throw new DatasetError(`cannot read ${what} ${file}: ${(error as Error).message}`);
    }
  }
  return gunzipBounded(file, what, stats.size, declared);
}

/** Decompresses a gzip file as a stream, stopping as soon as it passes what its header declares or the limit. */
async function gunzipBounded(file: string, what: string, compressedSize: number, declared?: DeclaredSize): Promise<Buffer> {
  const limit = dataLimitBytes();
  // The gzip trailer declares the uncompressed size (modulo 4 GiB): a first, cheap bound.
  const trailer = compressedSize >= 18 ? await readRange(file, compressedSize - 4, 4) : null;
  const isize = trailer && trailer.length === 4 ? trailer.readUInt32LE(0) : null;
  if (isize !== null && isize > limit) {
    throw new DatasetError(`${what} ${file} declares ${formatBytes(isize)} uncompressed, more than ${limitNote(limit)}`);
  }
  return new Promise<Buffer>((resolve, reject) => {
    const input = fs.createReadStream(file);
    const gunzip = zlib.createGunzip();
    const chunks: Buffer[] = [];
    let total = 0;
    let ceiling = limit;
    let because: string | null = null;
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      input.destroy();
      gunzip.destroy();
      reject(error);
    };
    gunzip.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      total += chunk.length;
      if (declared && because === null && total >= declared.headerBytes) {
        const expected = declared.size(Buffer.concat(chunks, total).subarray(0, declared.headerBytes));
        because = expected ? expected.because : '';
        if (expected && expected.bytes > limit) {
          fail(new DatasetError(`${what} ${file}: its header declares ${formatBytes(expected.bytes)} ${expected.because}, more than ${limitNote(limit)}`));
          return;
        }
        if (expected) ceiling = expected.bytes;
      }
      if (total > ceiling) {
        fail(
          new DatasetError(
            because
              ? `${what} ${file} decompresses to more than the ${ceiling} bytes its header declares ${because}`
              : `${what} ${file} decompresses to more than ${limitNote(limit)}`,
          ),
        );
      }
    });
    gunzip.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(Buffer.concat(chunks, total));
    });
    const broken = (error: Error) => fail(new DatasetError(`${what} ${file} starts like gzip but does not decompress: ${error.message}`));
    gunzip.on('error', broken);
    input.on('error', (error) => fail(new DatasetError(`cannot read ${what} ${file}: ${error.message}`)));
    input.pipe(gunzip);
  });
}
