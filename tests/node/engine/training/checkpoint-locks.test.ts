// A checkpoint written while another program (antivirus, indexer, backup) has a file of the
// previous checkpoint open. Windows then refuses to rename the folder for a moment; the
// checkpoint waits and succeeds instead of failing the run mid-training.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../main/engine/accel/backend';
import { buildModel } from '../../../../main/engine/model';
import { checkpointFolders, readCheckpointInfo, writeCheckpoint } from '../../../../main/engine/training/checkpoints';
import type { EpochMetrics } from '../../../../main/engine/training/train';

beforeAll(async () => {
  await selectBackend('wasm');
});

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-checkpoint-locks-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5 }));

const metrics = (epoch: number): EpochMetrics => ({ epoch, durationMs: 1, loss: 1 / epoch, accuracy: 0.5, samplesPerSec: 1 });
const info = (epoch: number) => ({ epoch, plannedLastEpoch: 3, metrics: metrics(epoch), monitor: 'loss' as const, earlyStopping: { best: 1, sinceBest: 0 }, optimizer: 'sgd' });

describe('writing a checkpoint while a file of the last one is open elsewhere', () => {
  it('waits the lock out and replaces the checkpoint (on Windows the lock is real; elsewhere nothing locks)', async () => {
    const model = buildModel('mlp', [4], 2, 1);
    await writeCheckpoint(dir, model, info(1), [], false);
    const { last } = checkpointFolders(dir);
    const handle = fs.openSync(path.join(last, 'weights.bin'), 'r');
    const released = new Promise<void>((resolve) =>
      setTimeout(() => {
        fs.closeSync(handle);
        resolve();
      }, 300),
    );
    await writeCheckpoint(dir, model, info(2), [], false);
    await released;
    expect((await readCheckpointInfo(last))!.epoch).toBe(2);
    expect(fs.readdirSync(path.dirname(last)).sort()).toEqual(['last']);
    model.dispose();
  });
});
