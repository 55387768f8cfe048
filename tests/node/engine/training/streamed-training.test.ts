// A folder bigger than a deliberately small data budget trains from its on-disk cache, a batch
// at a time, to exactly the metrics of the same data held in memory as one float array.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../main/engine/accel/backend';
import { loadDataset } from '../../../../main/engine/data/datasets';
import { floatSamples, samplesToArray } from '../../../../main/engine/data/datasets/samples';
import { imageCacheFile } from '../../../../main/engine/data/datasets/image-cache';
import type { Split } from '../../../../main/engine/data/datasets/dataset';
import { buildModel } from '../../../../main/engine/model';
import { splitValidation, trainModel } from '../../../../main/engine/training/train';
import { evaluateModel } from '../../../../main/engine/training/evaluate';
import type { TrainingSpec } from '@contract/spec';
import { makeTempDir } from '../../../fixtures/dataset-files';

const temp = makeTempDir('transfer-lab-streamed-');
const budgetMb = '1';
let previousLimit: string | undefined;
afterAll(() => {
  temp.remove();
  if (previousLimit === undefined) delete process.env.TRANSFER_LAB_DATA_LIMIT_MB;
  else process.env.TRANSFER_LAB_DATA_LIMIT_MB = previousLimit;
});

const side = 24;
const perClass = 160;
beforeAll(async () => {
  previousLimit = process.env.TRANSFER_LAB_DATA_LIMIT_MB;
  process.env.TRANSFER_LAB_DATA_LIMIT_MB = budgetMb;
  await selectBackend('wasm');
  // Two classes: a bright band near the top or near the bottom, on noise.
  for (const [c, name] of ['top', 'bottom'].entries()) {
    fs.mkdirSync(path.join(temp.dir, 'photos', name), { recursive: true });
    for (let i = 0; i < perClass; i++) {
      const raw = Buffer.alloc(side * side * 3);
      for (let p = 0; p < raw.length; p++) {
        const row = Math.floor(p / (side * 3));
        const inBand = c === 0 ? row < 6 : row >= side - 6;
        raw[p] = ((p * 31 + i * 17) % 97) + (inBand ? 150 : 0);
      }
      await sharp(raw, { raw: { width: side, height: side, channels: 3 } }).jpeg({ quality: 90 }).toFile(path.join(temp.dir, 'photos', name, `${i}.jpg`));
    }
  }
}, 60_000);

const training: TrainingSpec = { epochs: 2, batchSize: 16, optimizer: 'adam', learningRate: 0.01, validationSplit: 0.2 };

async function trainOn(train: Split, test: Split, inputShape: number[]) {
  const model = buildModel('seed-cnn', inputShape, 2, 3);
  const { train: t, validation } = splitValidation(train, training.validationSplit, 7, inputShape);
  const result = await trainModel(model, { train: t, validation }, training, { seed: 7, inputShape, numClasses: 2 });
  const evaluation = await evaluateModel(model, test, inputShape, ['bottom', 'top']);
  return { epochs: result.epochs.map(({ durationMs: _d, samplesPerSec: _s, ...rest }) => rest), accuracy: evaluation.accuracy, loss: evaluation.loss };
}

describe('streamed training', () => {
  it('trains a folder larger than the data budget from its cache to the same metrics as in memory', async () => {
    const dataFolder = path.join(temp.dir, 'app-data');
    const spec = { kind: 'folder' as const, path: path.join(temp.dir, 'photos'), imageSize: [side, side] as [number, number], channels: 3 as const };
    const ds = await loadDataset(spec, { seed: 11, dataFolder });
    const floatBytes = (ds.train.y.length + ds.test.y.length) * side * side * 3 * 4;
    expect(floatBytes).toBeGreaterThan(Number(budgetMb) * 2 ** 20);
    expect(fs.existsSync(imageCacheFile(dataFolder, spec.path, [side, side, 3]))).toBe(true);

    const streamed = await trainOn(ds.train, ds.test, ds.inputShape);
    const size = side * side * 3;
    const inMemory = (s: Split): Split => ({ x: floatSamples(samplesToArray(s.x), size), y: s.y, ids: s.ids });
    const whole = await trainOn(inMemory(ds.train), inMemory(ds.test), ds.inputShape);
    expect(streamed).toEqual(whole);
    expect(streamed.accuracy).toBeGreaterThan(0.5);
  }, 120_000);
});
