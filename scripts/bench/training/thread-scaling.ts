// How CPU training scales with threads (`npm run bench -- training --threads 1,2,4,8,16`):
// for each model and each thread count, the engine with TRANSFER_LAB_TRAINING_THREADS=N beside
// PyTorch with torch.set_num_threads(N), back to back within a round so both see the same
// load. The engine caps its threads (main/training/training-threads.ts); the rows record the
// count it actually trained with, so a request above the cap reads as what it was.
import type { ArchitectureName } from '@contract/spec';
import { trainingThreads } from '../../../main/training/training-threads';
import type { RandomDataset } from './random-datasets';
import { engineSamplesPerSec } from './engine-run';
import { runPytorch } from './pytorch-reference';

export interface ThreadScalingRow {
  model: ArchitectureName;
  /** Threads asked for. */
  threads: number;
  /** Threads the engine trained with (the request, capped). */
  engineThreads: number;
  /** Medians over the rounds, first epoch of every run excluded. */
  engineSamplesPerSec: number;
  pytorchSamplesPerSec: number | null;
  /** Median of the rounds' engine/PyTorch ratios. */
  engineOverPytorch: number | null;
  /** Over the same side's figure at the smallest thread count. */
  engineSpeedup: number;
  pytorchSpeedup: number | null;
}

export interface ScalingOptions {
  threads: number[];
  rounds: number;
  epochs: number;
  batch: number;
  backend: 'wasm' | 'cpu';
  root: string;
}

const afterWarmUp = (rates: number[]) => rates.slice(1).reduce((a, b) => a + b, 0) / (rates.length - 1);

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** A `--threads` value: whole numbers ≥ 1, comma-separated, e.g. "1,2,4,8,16". */
export function parseThreadList(value: string): number[] {
  const threads = value.split(',').map((s) => Number(s.trim()));
  if (threads.length === 0 || !threads.every((t) => Number.isInteger(t) && t >= 1)) {
    throw new Error(`--threads: expected whole numbers ≥ 1 separated by commas (e.g. 1,2,4,8,16), got "${value}"`);
  }
  return threads;
}

async function engineAt(model: ArchitectureName, dataset: RandomDataset, threads: number, o: ScalingOptions): Promise<number[]> {
  const saved = process.env.TRANSFER_LAB_TRAINING_THREADS;
  process.env.TRANSFER_LAB_TRAINING_THREADS = String(threads);
  try {
    return await engineSamplesPerSec(model, dataset.spec, o.epochs, o.batch, o.backend);
  } finally {
    if (saved === undefined) delete process.env.TRANSFER_LAB_TRAINING_THREADS;
    else process.env.TRANSFER_LAB_TRAINING_THREADS = saved;
  }
}

export async function threadScaling(model: ArchitectureName, dataset: RandomDataset, o: ScalingOptions): Promise<ThreadScalingRow[]> {
  const engine = new Map<number, number[]>(o.threads.map((t) => [t, []]));
  const pytorch = new Map<number, number[]>(o.threads.map((t) => [t, []]));
  for (let r = 0; r < o.rounds; r++) {
    for (const t of o.threads) {
      const perEpoch = await engineAt(model, dataset, t, o);
      const torch = runPytorch(o.root, model, dataset.trainCount, o.epochs, o.batch, t);
      engine.get(t)!.push(afterWarmUp(perEpoch));
      if (torch) pytorch.get(t)!.push(torch.samplesPerSec);
      const epochsOf = (rates: number[]) => rates.map((x) => x.toFixed(0)).join('/');
      console.log(`  ${model} round ${r + 1}/${o.rounds}, ${t} thread${t === 1 ? '' : 's'} (samples/s per epoch): engine ${epochsOf(perEpoch)}, ` +
        `PyTorch ${torch ? `${epochsOf(torch.epochSamplesPerSec)} (${torch.threads} threads)` : '—'}`);
    }
  }
  const base = o.threads[0];
  const engineBase = median(engine.get(base)!);
  const pytorchBase = pytorch.get(base)!.length ? median(pytorch.get(base)!) : null;
  return o.threads.map((t) => {
    const e = median(engine.get(t)!);
    const p = pytorch.get(t)!.length ? median(pytorch.get(t)!) : null;
    return {
      model,
      threads: t,
      engineThreads: trainingThreads({ TRANSFER_LAB_TRAINING_THREADS: String(t) }),
      engineSamplesPerSec: e,
      pytorchSamplesPerSec: p,
      engineOverPytorch: p === null ? null : median(engine.get(t)!.map((x, i) => x / pytorch.get(t)![i])),
      engineSpeedup: e / engineBase,
      pytorchSpeedup: p !== null && pytorchBase !== null ? p / pytorchBase : null,
    };
  });
}
