// Per-epoch checkpoints of a training run, in <runDir>/checkpoints/:
//   last/  the weights after the latest epoch
//   best/  the weights of the epoch with the lowest validation loss (training loss without validation)
// Each folder holds model.json + weights.bin (a TF.js layers model), optimizer.bin (the
// optimizer's state, so a resumed run continues exactly) and checkpoint.json (epoch, metrics,
// early-stopping state, and the layout of optimizer.bin).
//
// A folder is replaced atomically: it is written in full under a temporary name (every file
// flushed), then the old folder is renamed aside, the new one renamed into place, and the old
// one removed. A crash between the two renames leaves `<name>.previous`, which readCheckpoint
// falls back to, so there is always one complete checkpoint to read.
import fsSync, { promises as fs } from 'node:fs';
import path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { syncFolder, writeFileSynced } from '../atomic-file';
import { removeRetrying, renameRetrying } from '../fs-retry';
import { saveModel, loadModel } from '../model/io';
import type { EarlyStoppingState, EpochMetrics, OptimizerStateEntry } from './train';

export const CHECKPOINTS_FOLDER = 'checkpoints';
export const CHECKPOINT_JSON = 'checkpoint.json';
export const OPTIMIZER_FILE = 'optimizer.bin';

export interface CheckpointInfo {
  format: 'transfer-lab-checkpoint-1';
  /** The epoch these weights are the result of. */
  epoch: number;
  /** The last epoch the run that wrote it meant to train (resume trains up to here). */
  plannedLastEpoch: number;
  metrics: EpochMetrics;
  /** Which value picks the best checkpoint. */
  monitor: 'val_loss' | 'loss';
  earlyStopping: EarlyStoppingState;
  optimizer: string;
  /** Layout of optimizer.bin: float32 values of each entry, in order. */
  optimizerState: { name: string; shape: number[] }[];
  savedAt: string;
}

export interface LoadedCheckpoint {
  folder: string;
  info: CheckpointInfo;
  model: tf.LayersModel;
  optimizerState: OptimizerStateEntry[];
}

export function checkpointFolders(runDir: string): { last: string; best: string } {
  const root = path.join(runDir, CHECKPOINTS_FOLDER);
  return { last: path.join(root, 'last'), best: path.join(root, 'best') };
}

function temporaryName(folder: string): string {
  return path.join(path.dirname(folder), `.${path.basename(folder)}.${process.pid}.${Date.now()}.tmp`);
}

/**
 * Puts the fully written `temporary` folder in place of `folder`, keeping one complete copy at
 * all times. Renames and removals wait out a scanner's brief lock (Windows) rather than fail the run.
 */
async function swapIn(temporary: string, folder: string): Promise<void> {
  await syncFolder(temporary);
  const previous = `${folder}.previous`;
  await removeRetrying(previous);
  const hadOld = await renameRetrying(folder, previous).then(() => true, (e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return false;
    throw e;
  });
  await renameRetrying(temporary, folder);
  await syncFolder(path.dirname(folder));
  if (hadOld) await removeRetrying(previous);
}

function optimizerBytes(state: OptimizerStateEntry[]): Uint8Array {
  const total = state.reduce((n, e) => n + e.values.length, 0);
  const all = new Float32Array(total);
  let offset = 0;
  for (const entry of state) {
    all.set(entry.values, offset);
    offset += entry.values.length;
  }
  return new Uint8Array(all.buffer);
}

/** Writes the `last` checkpoint and, when `isBest`, the `best` one (a copy of the same files). */
export async function writeCheckpoint(
  runDir: string,
  model: tf.LayersModel,
  info: Omit<CheckpointInfo, 'format' | 'savedAt' | 'optimizerState'>,
  optimizerState: OptimizerStateEntry[],
  isBest: boolean,
): Promise<string[]> {
  const { last, best } = checkpointFolders(runDir);
  await fs.mkdir(path.dirname(last), { recursive: true });
  const temporary = temporaryName(last);
  await fs.rm(temporary, { recursive: true, force: true });
  await saveModel(model, temporary);
  const full: CheckpointInfo = {
    format: 'transfer-lab-checkpoint-1',
    ...info,
    optimizerState: optimizerState.map((e) => ({ name: e.name, shape: e.shape })),
    savedAt: new Date().toISOString(),
  };
  await writeFileSynced(path.join(temporary, OPTIMIZER_FILE), optimizerBytes(optimizerState));
  await writeFileSynced(path.join(temporary, CHECKPOINT_JSON), JSON.stringify(full, null, 2));
  const written = [last];
  if (isBest) {
    const bestTemporary = temporaryName(best);
    await fs.rm(bestTemporary, { recursive: true, force: true });
    await fs.mkdir(bestTemporary);
    for (const file of await fs.readdir(temporary)) {
      await writeFileSynced(path.join(bestTemporary, file), await fs.readFile(path.join(temporary, file)));
    }
    await swapIn(bestTemporary, best);
    written.push(best);
  }
  await swapIn(temporary, last);
  return written;
}

/** Total bytes of the files in a checkpoint folder. */
export async function checkpointSize(folder: string): Promise<number> {
  let total = 0;
  for (const file of await fs.readdir(folder)) total += (await fs.stat(path.join(folder, file))).size;
  return total;
}

/** The folder to read: `folder`, or its `.previous` copy when a crash came between the two renames. */
export async function existingCheckpointFolder(folder: string): Promise<string | null> {
  for (const candidate of [folder, `${folder}.previous`]) {
    const stats = await fs.stat(path.join(candidate, CHECKPOINT_JSON)).catch(() => null);
    if (stats?.isFile()) return candidate;
  }
  return null;
}

/** Reads checkpoint.json alone (no model), or null when there is no checkpoint. */
export async function readCheckpointInfo(folder: string): Promise<CheckpointInfo | null> {
  const found = await existingCheckpointFolder(folder);
  if (!found) return null;
  const file = path.join(found, CHECKPOINT_JSON);
  let info: CheckpointInfo;
  try {
    info = JSON.parse(await fs.readFile(file, 'utf8')) as CheckpointInfo;
  } catch (error) {
    throw new Error(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (info.format !== 'transfer-lab-checkpoint-1' || !Number.isInteger(info.epoch)) {
    throw new Error(`${file} is not a Transfer Lab checkpoint (expected format "transfer-lab-checkpoint-1" and an epoch)`);
  }
  // JSON has no Infinity: a run with no finite loss yet wrote its best as null.
  if (typeof info.earlyStopping?.best !== 'number') info.earlyStopping = { best: Number.POSITIVE_INFINITY, sinceBest: info.earlyStopping?.sinceBest ?? 0 };
  return info;
}

/** Loads a checkpoint folder: its model, info and optimizer state. */
export async function readCheckpoint(folder: string): Promise<LoadedCheckpoint> {
  const found = await existingCheckpointFolder(folder);
  if (!found) throw new Error(`no checkpoint in ${folder} (${CHECKPOINT_JSON} is missing)`);
  const info = (await readCheckpointInfo(found))!;
  const model = await loadModel(found);
  const bytes = await fs.readFile(path.join(found, OPTIMIZER_FILE));
  const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const optimizerState: OptimizerStateEntry[] = [];
  let offset = 0;
  for (const entry of info.optimizerState) {
    const size = entry.shape.reduce((a, b) => a * b, 1);
    if (offset + size > values.length) throw new Error(`${path.join(found, OPTIMIZER_FILE)} is shorter than ${CHECKPOINT_JSON} describes`);
    optimizerState.push({ name: entry.name, shape: entry.shape, values: values.slice(offset, offset + size) });
    offset += size;
  }
  return { folder: found, info, model, optimizerState };
}

/**
 * Removes what a crash during a checkpoint write leaves in <runDir>/checkpoints: temporary
 * `.last.<pid>.<time>.tmp` folders, and `<name>.previous` copies. A `.previous` is the only
 * complete copy when the crash came between the two renames (then it is put back in place);
 * otherwise it is a stale duplicate. Returns the names it removed or restored.
 */
export function tidyCheckpointFolder(runDir: string): string[] {
  const root = path.join(runDir, CHECKPOINTS_FOLDER);
  let entries: string[];
  try {
    entries = fsSync.readdirSync(root);
  } catch {
    return [];
  }
  const tidied: string[] = [];
  for (const name of entries) {
    if (/^\.(last|best)\..+\.tmp$/.test(name)) {
      fsSync.rmSync(path.join(root, name), { recursive: true, force: true });
      tidied.push(name);
    }
  }
  for (const name of ['last', 'best']) {
    const folder = path.join(root, name);
    const previous = `${folder}.previous`;
    if (!fsSync.existsSync(previous)) continue;
    if (!fsSync.existsSync(path.join(folder, CHECKPOINT_JSON))) {
      fsSync.rmSync(folder, { recursive: true, force: true });
      fsSync.renameSync(previous, folder);
    } else {
      fsSync.rmSync(previous, { recursive: true, force: true });
    }
    tidied.push(`${name}.previous`);
  }
  return tidied;
}
