// Asynchronous reads of fixed-size rows from an open file, for the disk-backed samples (the
// image cache's uint8 rows, the feature store's float32 rows). fs.read runs in libuv's thread
// pool, so the reading happens while this thread computes a training step; only the
// completion (and, for bytes, the conversion to floats) comes back to this thread.
import fs from 'node:fs';
import { DatasetError } from './dataset';

/** Longest single read: a long run of consecutive rows is split so the pool's threads share it. */
const MAX_READ_BYTES = 4 * 2 ** 20;

/** Reads `length` bytes at `position` into dst[at ..), looping over short reads; throws at the end of the file. */
function readFully(fd: number, dst: Uint8Array, at: number, length: number, position: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const step = (done: number) => {
      fs.read(fd, dst, at + done, length - done, position + done, (error, bytesRead) => {
        if (error) reject(error);
        else if (done + bytesRead === length) resolve();
        else if (bytesRead === 0) reject(new Error(`the file ends at byte ${position + done}, ${length - done} bytes short`));
        else step(done + bytesRead);
      });
    };
    step(0);
  });
}

/**
 * Reads the rows `rows[k]` (each `rowBytes` long, row 0 at byte `dataAt`) of the open file
 * `fd` into dst back to back (row k at k × rowBytes). Runs of consecutive rows are one read.
 * Every read is settled before the promise is (no read left writing into dst); a failure
 * rejects with a DatasetError naming `what` (the file, in words).
 */
export async function readFileRows(fd: number, what: string, dataAt: number, rowBytes: number, rows: Int32Array, dst: Uint8Array): Promise<void> {
  if (dst.length < rows.length * rowBytes) throw new Error(`readFileRows: ${dst.length} bytes cannot hold ${rows.length} rows of ${rowBytes}`);
  const reads: Promise<void>[] = [];
  for (let k = 0; k < rows.length; ) {
    let end = k + 1;
    while (end < rows.length && rows[end] === rows[end - 1] + 1 && (end - k + 1) * rowBytes <= MAX_READ_BYTES) end++;
    reads.push(readFully(fd, dst, k * rowBytes, (end - k) * rowBytes, dataAt + rows[k] * rowBytes));
    k = end;
  }
  const results = await Promise.allSettled(reads);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw new DatasetError(`could not read ${what}: ${(failed.reason as Error).message}`);
}

/**
 * Turns n bytes 0..255, stored in the last quarter of `dst`'s bytes, into n floats (byte /
 * divisor, exactly as the synchronous reads compute it) filling dst, in place. Going forward, float j overwrites bytes 4j..4j+3, all below
 * the byte 3n + j + 1 read next, so no byte is overwritten before it is read: the rows can
 * be read straight into the batch, with no staging buffer.
 */
export function bytesToFloatsInPlace(dst: Float32Array, divisor: number): void {
  const bytes = byteTail(dst);
  for (let j = 0; j < dst.length; j++) dst[j] = bytes[j] / divisor;
}

/** The last quarter of a float array's bytes, where bytesToFloatsInPlace expects its input. */
export function byteTail(dst: Float32Array): Uint8Array {
  return new Uint8Array(dst.buffer, dst.byteOffset + 3 * dst.length, dst.length);
}
