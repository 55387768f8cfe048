// Background reads of fixed-size rows from an open file, for the disk-backed samples (the
// image cache's uint8 rows, the feature store's float32 rows): readRowsAsync, which the
// BatchQueue (../batch-queue.ts) calls for the batches it reads ahead.
//
// Why a reader thread rather than one fs.read per row from this thread: a batch is dozens of
// scattered rows, and the callbacks cost this thread about as much as reading the rows itself
// (2,000 rows of 50 KB from the page cache: 19–30 ms of this thread's time through fs.read,
// 20 ms read synchronously), so nothing was gained. The reader thread takes a whole batch in
// one message, issues its rows' reads at once (descriptors are shared by the threads of a
// process; libuv's pool reads several rows in parallel, which a disk serves faster), widens
// image bytes to floats itself, and writes into the batch's SharedArrayBuffer: this thread
// sends one message and gets one back per batch. Where the thread cannot start, fs.read is
// used from here.
import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { DatasetError } from './dataset';

export interface RowFile {
  fd: number;
  /** The file in words, for errors ("image cache /…/x.bin"). */
  what: string;
  /** Byte offset of row 0. */
  dataAt: number;
  /** Bytes per row in the file. */
  rowBytes: number;
  /** 'bytes': uint8 values, read as value / 255 (the image cache); 'floats': float32 values as they are. */
  kind: 'bytes' | 'floats';
}

/** Values per row once read as floats. */
const rowValues = (file: RowFile) => (file.kind === 'bytes' ? file.rowBytes : file.rowBytes / 4);

// The reader thread's code: plain CommonJS, run with { eval: true }, so it needs no build step.
// For each request it issues the batch's reads at once (fs.read, so a disk serves several in
// parallel), consecutive rows in one read, widens image bytes to floats, and answers its id.
const READER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
function readFully(fd, dst, at, length, position, done) {
  const step = (got) => {
    fs.read(fd, dst, at + got, length - got, position + got, (error, n) => {
      if (error) done(error);
      else if (got + n === length) done(null);
      else if (n === 0) done(new Error('the file ends at byte ' + (position + got) + ', ' + (length - got) + ' bytes short'));
      else step(got + n);
    });
  };
  step(0);
}
parentPort.on('message', (m) => {
  const rows = m.rows;
  const n = rows.length;
  const floats = m.kind === 'floats';
  const bytes = floats ? new Uint8Array(m.dst, m.dstOffset, n * m.rowBytes) : new Uint8Array(n * m.rowBytes);
  let left = 1;
  let failed = null;
  const settle = (error) => {
    if (error && !failed) failed = error;
    if (--left > 0) return;
    if (failed) return parentPort.postMessage({ id: m.id, error: failed.message });
    if (!floats) {
      const out = new Float32Array(m.dst, m.dstOffset, bytes.length);
      for (let i = 0; i < bytes.length; i++) out[i] = bytes[i] / 255;
    }
    parentPort.postMessage({ id: m.id });
  };
  for (let k = 0; k < n; ) {
    let end = k + 1;
    while (end < n && rows[end] === rows[end - 1] + 1) end++;
    left++;
    readFully(m.fd, bytes, k * m.rowBytes, (end - k) * m.rowBytes, m.dataAt + rows[k] * m.rowBytes, settle);
    k = end;
  }
  settle(null);
});
`;

interface Reader {
  worker: Worker;
  pending: Map<number, { resolve: () => void; reject: (error: Error) => void }>;
  nextId: number;
}

let reader: Reader | null | undefined;

/**
 * The process's reader thread, started on first use; null where it cannot start. It keeps
 * the process alive only while a read is pending (an awaited read must not let Node exit).
 */
function readerThread(): Reader | null {
  if (reader !== undefined) return reader;
  try {
    const worker = new Worker(READER_SOURCE, { eval: true });
    const started: Reader = { worker, pending: new Map(), nextId: 0 };
    worker.on('message', (m: { id: number; error?: string }) => {
      const request = started.pending.get(m.id);
      if (!request) return;
      started.pending.delete(m.id);
      if (started.pending.size === 0) worker.unref();
      if (m.error === undefined) request.resolve();
      else request.reject(new Error(m.error));
    });
    const fail = (error: Error) => {
      // Reads pending are failed; the next ones start a new thread.
      if (reader === started) reader = undefined;
      for (const request of started.pending.values()) request.reject(new Error(`the reader thread stopped: ${error.message}`));
      started.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`exit code ${code}`)));
    // After the listeners, which would take a reference again.
    worker.unref();
    reader = started;
  } catch {
    reader = null;
  }
  return reader;
}

function onReaderThread(r: Reader, file: RowFile, rows: Int32Array, dst: Float32Array): Promise<void> {
  return new Promise((resolve, reject) => {
    const id = ++r.nextId;
    r.pending.set(id, { resolve, reject });
    r.worker.ref();
    r.worker.postMessage({ id, fd: file.fd, dataAt: file.dataAt, rowBytes: file.rowBytes, kind: file.kind, rows, dst: dst.buffer, dstOffset: dst.byteOffset });
  });
}

/** Float32 values in shared memory, which the reader thread can write into: the BatchQueue's buffers. */
export function sharedFloats(length: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(length * 4));
}

/**
 * Reads the rows `rows[k]` of `file` as floats into dst (row k at k × values per row), off
 * this thread. Directly into dst when it is shared memory, else through a shared copy.
 * Settles only once nothing writes into dst any more; a failure rejects with a DatasetError
 * naming the file.
 */
export async function readRows(file: RowFile, rows: Int32Array, dst: Float32Array): Promise<void> {
  const values = rows.length * rowValues(file);
  if (dst.length < values) throw new Error(`readRows: ${dst.length} values cannot hold ${rows.length} rows of ${rowValues(file)}`);
  const batch = dst.subarray(0, values);
  try {
    const r = readerThread();
    if (!r) await readWithFsRead(file, rows, batch);
    else if (batch.buffer instanceof SharedArrayBuffer) await onReaderThread(r, file, rows, batch);
    else {
      const shared = sharedFloats(values);
      await onReaderThread(r, file, rows, shared);
      batch.set(shared);
    }
  } catch (error) {
    throw new DatasetError(`could not read ${file.what}: ${(error as Error).message}`);
  }
}

/** Reads `length` bytes at `position` into dst[at ..) with fs.read, looping over short reads. */
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

/** The fallback without a reader thread: one fs.read per run of consecutive rows, in libuv's pool. Exported for tests. */
export async function readWithFsRead(file: RowFile, rows: Int32Array, dst: Float32Array): Promise<void> {
  const n = rows.length;
  // Image bytes go to the last quarter of the batch's own bytes and are widened in place below.
  const bytes = file.kind === 'floats' ? new Uint8Array(dst.buffer, dst.byteOffset, dst.byteLength) : new Uint8Array(dst.buffer, dst.byteOffset + 3 * dst.length, dst.length);
  const reads: Promise<void>[] = [];
  for (let k = 0; k < n; ) {
    let end = k + 1;
    while (end < n && rows[end] === rows[end - 1] + 1) end++;
    reads.push(readFully(file.fd, bytes, k * file.rowBytes, (end - k) * file.rowBytes, file.dataAt + rows[k] * file.rowBytes));
    k = end;
  }
  const results = await Promise.allSettled(reads);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason as Error;
  // Going forward, float j overwrites bytes 4j..4j+3, all below byte 3n + j + 1, the next
  // one read: no byte is overwritten before it is read.
  if (file.kind === 'bytes') for (let j = 0; j < dst.length; j++) dst[j] = bytes[j] / 255;
}
