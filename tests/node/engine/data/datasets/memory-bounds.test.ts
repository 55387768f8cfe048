// Odd data files cannot take unbounded memory: each case loads in a child process with a
// small heap (--max-old-space-size=48) and reports its peak memory; the files are made here
// and are small on disk (a sparse file, a gzip bomb).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { idxImagesBytes, idxLabelsBytes } from '../../../../fixtures/dataset-files';

let dir: string;
let loader: string;

const LOADER = `
import { loadDataset } from './main/engine/data/datasets';
const [images, labels] = process.argv.slice(2);
loadDataset({ kind: 'idx', images, labels }, { seed: 1 }).then(
  (ds) => console.log(JSON.stringify({ ok: ds.train.y.length, maxRssMb: process.resourceUsage().maxRSS / 1024 })),
  (err) => console.log(JSON.stringify({ error: err.message, name: err.name, maxRssMb: process.resourceUsage().maxRSS / 1024 })),
);
`;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-memory-'));
  loader = path.join(dir, 'loader.cjs');
  await build({
    stdin: { contents: LOADER, resolveDir: path.resolve('.'), loader: 'ts' },
    bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: loader, logLevel: 'error',
    external: ['sharp', '@tensorflow/*'],
  });
  fs.writeFileSync(path.join(dir, 'labels'), idxLabelsBytes(Array.from({ length: 100 }, (_, i) => i % 2)));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Outcome {
  ok?: number;
  error?: string;
  name?: string;
  maxRssMb: number;
}

function load(images: string, env: NodeJS.ProcessEnv = {}): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--max-old-space-size=48', loader, images, path.join(dir, 'labels')],
      { env: { ...process.env, NODE_PATH: path.resolve('node_modules'), ...env }, timeout: 60_000, maxBuffer: 1 << 20 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`the loader died: ${err.message} ${stderr.slice(-500)}`));
        else resolve(JSON.parse(stdout) as Outcome);
      },
    );
  });
}

/** An IDX images header declaring `count` images of 28 × 28. */
function idxHeader(count: number, side = 28): Buffer {
  const header = Buffer.alloc(16);
  header.writeUInt32BE(0x00000803, 0);
  header.writeUInt32BE(count, 4);
  header.writeUInt32BE(side, 8);
  header.writeUInt32BE(side, 12);
  return header;
}

// Peak memory of a Node process that loads nothing big is ~60 MB; 200 MB leaves room and is
// far below what these files would take if read or unzipped whole.
const PEAK_MB = 200;

describe('dataset files that would take unbounded memory', () => {
  it.skipIf(process.platform === 'win32')('refuses a device such as /dev/zero (no /dev/zero on Windows)', async () => {
    const outcome = await load('/dev/zero');
    expect(outcome.error).toBe('IDX images file /dev/zero is not a regular file (a device, pipe or socket); expected a data file');
    expect(outcome.maxRssMb).toBeLessThan(PEAK_MB);
  });

  it.skipIf(process.platform === 'win32')('refuses /dev/zero as a CSV file too (no /dev/zero on Windows)', async () => {
    const { loadDataset } = await import('../../../../../main/engine/data/datasets');
    await expect(loadDataset({ kind: 'csv', path: '/dev/zero', label: 'y' }, { seed: 1 })).rejects.toThrow(
      'CSV file /dev/zero is not a regular file (a device, pipe or socket); expected a data file',
    );
  });

  // NTFS does not make a truncated file sparse: 400 MB there is written out but still far above the peak allowed.
  const sparseSize = process.platform === 'win32' ? 4e8 : 1.5e9;
  it(`refuses a ${sparseSize / 1e9} GB sparse file whose header declares another size before reading it`, async () => {
    const file = path.join(dir, 'sparse-images');
    fs.writeFileSync(file, idxHeader(100));
    fs.truncateSync(file, sparseSize);
    expect(fs.statSync(file).size).toBe(sparseSize);
    const outcome = await load(file);
    expect(outcome.error).toBe(`IDX images file ${file} has ${sparseSize} bytes, expected 78416 for dimensions 100 × 28 × 28`);
    expect(outcome.maxRssMb).toBeLessThan(PEAK_MB);
  });

  it('stops unzipping a gzip bomb as soon as it passes what the IDX header declares', async () => {
    const file = path.join(dir, 'bomb.gz');
    // 100 images declared, then 600 MB of zeros: about 600 KB on disk.
    const zeros = Buffer.alloc(1 << 20);
    async function* content() {
      yield idxHeader(100);
      for (let i = 0; i < 600; i++) yield zeros;
    }
    await pipeline(Readable.from(content()), zlib.createGzip({ level: 1 }), fs.createWriteStream(file));
    expect(fs.statSync(file).size).toBeLessThan(5e6);
    const outcome = await load(file);
    expect(outcome.error).toMatch(new RegExp(`^IDX images file ${file} decompresses to more than the 78416 bytes its header declares for dimensions 100 × 28 × 28$`));
    expect(outcome.maxRssMb).toBeLessThan(PEAK_MB);
  });

  it('refuses a gzip whose header declares more than the data limit, naming the file and the limit', async () => {
    const file = path.join(dir, 'huge-header.gz');
    fs.writeFileSync(file, zlib.gzipSync(Buffer.concat([idxHeader(100_000, 1000), Buffer.alloc(1000)])));
    const outcome = await load(file, { TRANSFER_LAB_DATA_LIMIT_MB: '2048' });
    expect(outcome.error).toMatch(/^IDX images file .*huge-header\.gz: its header declares 93\.1 GiB for dimensions 100000 × 1000 × 1000, more than the 2\.0 GiB a dataset file may take \(TRANSFER_LAB_DATA_LIMIT_MB raises it\)$/);
    expect(outcome.maxRssMb).toBeLessThan(PEAK_MB);
  });

  it('caps a file at TRANSFER_LAB_DATA_LIMIT_MB; image bytes are kept as bytes, so their float32 size is not counted', async () => {
    const file = path.join(dir, 'two-mb-images');
    fs.writeFileSync(file, idxImagesBytes(100, 150, 150));
    const refused = await load(file, { TRANSFER_LAB_DATA_LIMIT_MB: '1' });
    expect(refused.error).toBe(`IDX images file ${file} is 2.1 MiB, more than the 1.0 MiB a dataset file may take (TRANSFER_LAB_DATA_LIMIT_MB raises it)`);
    // The file fits in 3 MiB; its samples as float32 (8.6 MiB) would not, but they are
    // converted a batch at a time and never held as floats together.
    const asBytes = await load(file, { TRANSFER_LAB_DATA_LIMIT_MB: '3' });
    expect(asBytes.error).toBeUndefined();
    expect(asBytes.ok).toBeGreaterThan(0);
    const fits = await load(file);
    expect(fits.ok).toBeGreaterThan(0);
  });
});
