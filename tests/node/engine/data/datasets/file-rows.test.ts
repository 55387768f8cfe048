// Background row reads (file-rows.ts) on real files: the reader thread and the fs.read
// fallback read the same values as the synchronous reads (image bytes / 255, floats as
// written), in any order, name a short file, and a process reading this way still exits.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { readRows, readWithFsRead, sharedFloats, type RowFile } from '../../../../../main/engine/data/datasets/file-rows';
import { makeTempDir } from '../../../../fixtures/dataset-files';

const temp = makeTempDir('transfer-lab-file-rows-');
afterAll(() => temp.remove());

const root = path.resolve(__dirname, '../../../../..');
const header = 24;

/** A file of `count` rows after a header: bytes (distinct per row and position) or floats. */
function rowFile(kind: RowFile['kind'], count: number, values: number): { file: RowFile; expected: (row: number) => number[]; close: () => void } {
  const name = path.join(temp.dir, `${kind}.bin`);
  const rowBytes = kind === 'bytes' ? values : values * 4;
  const data = Buffer.alloc(header + count * rowBytes, 0xee);
  const value = (r: number, i: number) => (kind === 'bytes' ? (r * 31 + i * 7) % 256 : Math.fround(Math.sin(r * values + i) * 100));
  for (let r = 0; r < count; r++) {
    for (let i = 0; i < values; i++) {
      if (kind === 'bytes') data[header + r * rowBytes + i] = value(r, i);
      else data.writeFloatLE(value(r, i), header + r * rowBytes + i * 4);
    }
  }
  fs.writeFileSync(name, data);
  const fd = fs.openSync(name, 'r');
  return {
    file: { fd, what: `test file ${name}`, dataAt: header, rowBytes, kind },
    // Image bytes become floats exactly as the image cache's synchronous read computes them.
    expected: (r) => Array.from({ length: values }, (_, i) => Math.fround(kind === 'bytes' ? value(r, i) / 255 : value(r, i))),
    close: () => fs.closeSync(fd),
  };
}

describe('background row reads', () => {
  for (const kind of ['bytes', 'floats'] as const) {
    it(`read the same ${kind} rows through the reader thread (shared or not) and through fs.read, in a shuffled order with runs`, async () => {
      const values = 50;
      const { file, expected, close } = rowFile(kind, 40, values);
      const rows = Int32Array.from([7, 3, 4, 5, 6, 39, 0, 12, 13, 2]);
      const want = Array.from(rows).flatMap(expected);
      const shared = sharedFloats(rows.length * values);
      await readRows(file, rows, shared);
      expect(Array.from(shared)).toEqual(want);
      const plain = new Float32Array(rows.length * values + 5).fill(-1);
      await readRows(file, rows, plain);
      expect(Array.from(plain.subarray(0, want.length))).toEqual(want);
      expect(Array.from(plain.subarray(want.length))).toEqual([-1, -1, -1, -1, -1]);
      const viaFsRead = new Float32Array(rows.length * values);
      await readWithFsRead(file, rows, viaFsRead);
      expect(Array.from(viaFsRead)).toEqual(want);
      close();
    });
  }

  it('names the file when it ends before a row', async () => {
    const { file, close } = rowFile('bytes', 10, 16);
    const rows = Int32Array.from([1, 10]);
    await expect(readRows(file, rows, sharedFloats(32))).rejects.toThrow(new RegExp(`could not read test file .*bytes\\.bin: the file ends at byte ${header + 160}`));
    await expect(readWithFsRead(file, rows, new Float32Array(32))).rejects.toThrow(/the file ends at byte/);
    close();
  });

  it('keeps a process alive while a read is pending, and lets it exit once reads are done', async () => {
    const entry = path.join(temp.dir, 'child.ts');
    const lib = (p: string) => JSON.stringify(path.join(root, p));
    fs.writeFileSync(
      entry,
      `import { createFeatureStore } from ${lib('main/engine/data/datasets/feature-store')};
import { BatchQueue } from ${lib('main/engine/data/batch-queue')};
const store = createFeatureStore(300, 64, 0);
store.write(0, Float32Array.from({ length: 300 * 64 }, (_, i) => i % 7));
const queue = new BatchQueue(store.samples(), { batchSize: 32 });
queue.start(null);
(async () => {
  let sum = 0;
  for (let b = await queue.next(); b; b = await queue.next()) { for (const v of b.x) sum += v; queue.release(b); }
  await queue.stop();
  store.dispose();
  console.log('sum', sum);
})();
`,
    );
    const bundle = path.join(temp.dir, 'child.js');
    await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: bundle, logLevel: 'error' });
    const started = performance.now();
    const out = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, [bundle], { timeout: 30_000 }, (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)));
    });
    let sum = 0;
    for (let i = 0; i < 300 * 64; i++) sum += i % 7;
    expect(out.trim()).toBe(`sum ${sum}`);
    expect(performance.now() - started).toBeLessThan(20_000);
  }, 60_000);
});
