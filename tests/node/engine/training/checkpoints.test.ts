// Checkpoints on real files: written after every epoch (last, and best by validation loss),
// complete at every moment, loadable, and a run resumed from one continues exactly as the
// uninterrupted run (weights, optimizer state and shuffles).
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../main/engine/accel/backend';
import { buildModel } from '../../../../main/engine/model';
import { checkpointFolders, readCheckpoint, readCheckpointInfo, tidyCheckpointFolder, writeCheckpoint } from '../../../../main/engine/training/checkpoints';
import { readOptimizerState, trainModel, type EpochMetrics, type TrainOptions } from '../../../../main/engine/training/train';
import type { TrainingSpec } from '@contract/spec';
import { bandedSplit, maxDifference, weightArrays } from '../tiny-data';

beforeAll(async () => {
  await selectBackend('wasm');
});

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-checkpoints-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5 }));

const shape: [number, number, number] = [6, 6, 1];
const train = bandedSplit(20, shape, 2, 1);
const validation = bandedSplit(6, shape, 2, 2);
const training: TrainingSpec = { epochs: 3, batchSize: 8, optimizer: 'adam', learningRate: 0.01, validationSplit: 0 };
const options = (): TrainOptions => ({ seed: 9, inputShape: shape, numClasses: 2 });

/** Trains with a checkpoint after every epoch, recording what was on disk right after each write. */
async function trainWithCheckpoints(model: tf.LayersModel, epochs: number) {
  const seen: { epoch: number; lastEpoch: number; bestEpoch: number | undefined; stray: string[] }[] = [];
  const metrics: EpochMetrics[] = [];
  await trainModel(model, { train, validation }, { ...training, epochs }, {
    ...options(),
    callbacks: {
      afterEpoch: async (end) => {
        metrics.push(end.metrics);
        await writeCheckpoint(dir, model, {
          epoch: end.metrics.epoch, plannedLastEpoch: 3, metrics: end.metrics, monitor: 'val_loss',
          earlyStopping: end.earlyStopping, optimizer: 'adam',
        }, await readOptimizerState(end.optimizer), end.improved);
        const { last, best } = checkpointFolders(dir);
        seen.push({
          epoch: end.metrics.epoch,
          lastEpoch: (await readCheckpointInfo(last))!.epoch,
          bestEpoch: (await readCheckpointInfo(best))?.epoch,
          stray: fs.readdirSync(path.dirname(last)).filter((f) => f !== 'last' && f !== 'best'),
        });
      },
    },
  });
  return { seen, metrics };
}

describe('checkpoints', () => {
  it('writes last and best after every epoch, leaving no temporary folders, and loads back the same weights', async () => {
    const model = buildModel('seed-cnn', shape, 2, 4);
    const { seen, metrics } = await trainWithCheckpoints(model, 3);
    expect(seen.map((s) => s.lastEpoch)).toEqual([1, 2, 3]);
    for (const s of seen) expect(s.stray).toEqual([]);
    // best follows the lowest validation loss so far.
    let bestEpoch = 0;
    let bestLoss = Infinity;
    metrics.forEach((m, i) => {
      if (m.valLoss! < bestLoss - 1e-6) [bestLoss, bestEpoch] = [m.valLoss!, m.epoch];
      expect(seen[i].bestEpoch).toBe(bestEpoch);
    });

    const { last } = checkpointFolders(dir);
    expect(fs.readdirSync(last).sort()).toEqual(['checkpoint.json', 'model.json', 'optimizer.bin', 'weights.bin']);
    const loaded = await readCheckpoint(last);
    expect(maxDifference(weightArrays(loaded.model), weightArrays(model))).toBe(0);
    expect(loaded.info.metrics.loss).toBeCloseTo(metrics[2].loss, 6);
    // Adam: the iteration count, then first and second moments of each trainable weight.
    expect(loaded.optimizerState[0].name).toBe('iter');
    expect(loaded.optimizerState[0].values[0]).toBe(9); // 3 epochs × 3 steps
    expect(loaded.optimizerState).toHaveLength(1 + 2 * model.trainableWeights.length);
  });

  it('falls back to the complete previous folder when a crash came between the two renames', async () => {
    const model = buildModel('seed-cnn', shape, 2, 4);
    await trainWithCheckpoints(model, 1);
    const { last } = checkpointFolders(dir);
    fs.renameSync(last, `${last}.previous`);
    expect((await readCheckpoint(last)).info.epoch).toBe(1);
  });

  it('a run resumed from the epoch-2 checkpoint ends exactly where the uninterrupted 3-epoch run does', async () => {
    const uninterrupted = buildModel('seed-cnn', shape, 2, 4);
    await trainModel(uninterrupted, { train, validation }, training, options());

    const interrupted = buildModel('seed-cnn', shape, 2, 4);
    await trainWithCheckpoints(interrupted, 2);
    const checkpoint = await readCheckpoint(checkpointFolders(dir).last);
    expect(checkpoint.info.epoch).toBe(2);
    const resumedEpochs: number[] = [];
    await trainModel(checkpoint.model, { train, validation }, { ...training, epochs: 1 }, {
      ...options(),
      firstEpoch: 3,
      optimizerState: checkpoint.optimizerState,
      earlyStopping: checkpoint.info.earlyStopping,
      callbacks: { onEpoch: (m) => void resumedEpochs.push(m.epoch) },
    });
    expect(resumedEpochs).toEqual([3]);
    expect(maxDifference(weightArrays(checkpoint.model), weightArrays(uninterrupted))).toBeLessThan(1e-5);

    // Control: without the optimizer state the continuation differs, so the check above has teeth.
    const restarted = (await readCheckpoint(checkpointFolders(dir).last)).model;
    await trainModel(restarted, { train, validation }, { ...training, epochs: 1 }, { ...options(), firstEpoch: 3 });
    expect(maxDifference(weightArrays(restarted), weightArrays(uninterrupted))).toBeGreaterThan(1e-4);
  });
});

describe('leftovers of a crash during a checkpoint write', () => {
  /** A checkpoint folder with just its checkpoint.json, as complete as the tidy-up needs. */
  function fakeCheckpoint(folder: string, epoch: number): void {
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, 'checkpoint.json'), JSON.stringify({ format: 'transfer-lab-checkpoint-1', epoch }));
  }

  it('removes temporary folders and stale .previous copies, and restores a .previous that is the only copy', async () => {
    const { last, best } = checkpointFolders(dir);
    fakeCheckpoint(last, 4);
    fakeCheckpoint(`${last}.previous`, 3);
    fakeCheckpoint(`${best}.previous`, 2); // the crash came between best's two renames
    fakeCheckpoint(path.join(path.dirname(last), '.last.1234.1700000000000.tmp'), 5);
    fakeCheckpoint(path.join(path.dirname(last), '.best.1234.1700000000000.tmp'), 5);

    expect(tidyCheckpointFolder(dir).sort()).toEqual(['.best.1234.1700000000000.tmp', '.last.1234.1700000000000.tmp', 'best.previous', 'last.previous']);
    expect(fs.readdirSync(path.dirname(last)).sort()).toEqual(['best', 'last']);
    expect((await readCheckpointInfo(last))?.epoch).toBe(4);
    expect((await readCheckpointInfo(best))?.epoch).toBe(2);
    expect(tidyCheckpointFolder(dir)).toEqual([]);
    expect(tidyCheckpointFolder(path.join(dir, 'no-such-run'))).toEqual([]);
  });
});
