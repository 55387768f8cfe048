// Photo-like JPEG folders for the pipeline benchmark: Debian's Fashion-MNIST (classes 0–4),
// each 28 × 28 gray image upscaled to 224 × 224, tinted with a colour per class and a
// brightness/hue change per image, saved as JPEG (quality 90) in train/ and test/ (80/20)
// with one sub-folder per class. A folder already made (its .complete marker) is reused.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import sharp from 'sharp';

export const FASHION_MNIST = '/usr/share/datasets/fashion-mnist';
const CLASSES = ['tshirt', 'trouser', 'pullover', 'dress', 'coat'];
const TINTS = [
  { r: 230, g: 120, b: 90 },
  { r: 90, g: 160, b: 230 },
  { r: 120, g: 210, b: 110 },
  { r: 220, g: 200, b: 90 },
  { r: 180, g: 110, b: 210 },
];

function readIdx(file: string): Buffer {
  return zlib.gunzipSync(fs.readFileSync(file));
}

/** Makes (or reuses) `folder` with `count` images; returns the time it took, 0 when reused. */
export async function makePhotoFolder(folder: string, count: number, side = 224): Promise<number> {
  const marker = path.join(folder, '.complete');
  if (fs.existsSync(marker)) return 0;
  const started = performance.now();
  fs.rmSync(folder, { recursive: true, force: true });
  const images = readIdx(path.join(FASHION_MNIST, 'train-images-idx3-ubyte.gz'));
  const labels = readIdx(path.join(FASHION_MNIST, 'train-labels-idx1-ubyte.gz'));
  const picked: { index: number; label: number }[] = [];
  for (let i = 0; i < 60_000 && picked.length < count; i++) {
    const label = labels[8 + i];
    if (label < CLASSES.length) picked.push({ index: i, label });
  }
  if (picked.length < count) throw new Error(`Fashion-MNIST classes 0–4 have ${picked.length} training images; asked for ${count}`);
  for (const split of ['train', 'test']) for (const name of CLASSES) fs.mkdirSync(path.join(folder, split, name), { recursive: true });
  let next = 0;
  const worker = async () => {
    while (next < picked.length) {
      const k = next++;
      const { index, label } = picked[k];
      const gray = images.subarray(16 + index * 784, 16 + (index + 1) * 784);
      const split = k % 5 === 4 ? 'test' : 'train';
      await sharp(Buffer.from(gray), { raw: { width: 28, height: 28, channels: 1 } })
        .resize(side, side, { kernel: 'cubic' })
        .toColourspace('srgb')
        .tint(TINTS[label])
        .modulate({ brightness: 0.8 + ((k * 37) % 40) / 100, hue: (k * 53) % 40 })
        .jpeg({ quality: 90 })
        .toFile(path.join(folder, split, CLASSES[label], `${k}.jpg`));
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  fs.writeFileSync(marker, String(count));
  return performance.now() - started;
}
