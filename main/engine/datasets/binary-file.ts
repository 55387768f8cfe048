// Reads a data file whole, gunzipping it when it starts with the gzip magic bytes (1f 8b):
// files are recognised by content, not by name, since downloads and copies lose suffixes.
import { promises as fs } from 'node:fs';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { DatasetError } from './dataset';

const gunzip = promisify(zlib.gunzip);

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** `what` names the role of the file in errors, e.g. "IDX images file". */
export async function readDataFile(file: string, what: string): Promise<Buffer> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DatasetError(`${what} not found: ${file}`);
    if (code === 'EISDIR') throw new DatasetError(`${what} is a folder, expected a file: ${file}`);
    throw new DatasetError(`cannot read ${what} ${file}: ${(error as Error).message}`);
  }
  if (!isGzip(bytes)) return bytes;
  try {
    // Unzipping on libuv's thread pool keeps the event loop (progress, cancellation) alive.
    return await gunzip(bytes);
  } catch (error) {
    throw new DatasetError(`${what} ${file} starts like gzip but does not decompress: ${(error as Error).message}`);
  }
}
