// Where a feature pass puts its outputs: one float32 array in memory when they are small,
// a file when they pass FEATURES_IN_MEMORY_BYTES (a frozen prefix cut before pooling gives
// tens of KB per image; 12,000 images of 7 × 7 × 256 features are 2.4 GB), read back a row at
// a time like every other dataset (samples.ts). The file lives in the system's temporary
// folder and is deleted by dispose(), or when the process ends at the latest (on POSIX it
// is unlinked as soon as it is open).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { floatSamples, type Samples } from './samples';
import { readRows } from './file-rows';

export const FEATURES_IN_MEMORY_BYTES = 256 * 2 ** 20;

export interface FeatureStore {
  readonly onDisk: boolean;
  /** Writes rows start.. of the outputs (values.length / size rows). */
  write(start: number, values: Float32Array): void;
  /** The rows written, as samples; valid until dispose(). */
  samples(): Samples;
  dispose(): void;
}

export function createFeatureStore(count: number, size: number, limitBytes = FEATURES_IN_MEMORY_BYTES): FeatureStore {
  if (count * size * 4 <= limitBytes) {
    const values = new Float32Array(count * size);
    return { onDisk: false, write: (start, v) => values.set(v, start * size), samples: () => floatSamples(values, size), dispose: () => {} };
  }
  const file = path.join(os.tmpdir(), `transfer-lab-features-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.f32`);
  const fd = fs.openSync(file, 'w+');
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    fs.rmSync(file, { force: true });
  };
  // POSIX keeps an unlinked file readable through its descriptor; Windows cannot delete an open file.
  if (process.platform !== 'win32') remove();
  let closed = false;
  const what = `feature file ${file}${removed ? ' (deleted once opened)' : ''}`;
  const row = new Float32Array(size);
  const rowBytes = new Uint8Array(row.buffer);
  return {
    onDisk: true,
    write: (start, v) => {
      fs.writeSync(fd, new Uint8Array(v.buffer, v.byteOffset, v.byteLength), 0, v.byteLength, start * size * 4);
    },
    samples: () => ({
      count,
      size,
      read: (r, dst, offset) => {
        fs.readSync(fd, rowBytes, 0, rowBytes.length, r * size * 4);
        dst.set(row, offset);
      },
      readRowsAsync: (rows, dst) => readRows({ fd, what, dataAt: 0, rowBytes: size * 4, kind: 'floats' }, rows, dst),
    }),
    dispose: () => {
      if (closed) return;
      closed = true;
      fs.closeSync(fd);
      remove();
    },
  };
}
