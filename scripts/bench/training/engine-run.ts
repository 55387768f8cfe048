// The engine as a user runs it: an app context on a fresh database, an experiment started
// from a source-only spec on a dataset file, trained in a forked worker process that reports
// progress to the supervisor and the store. Samples/s are the per-epoch samples_per_sec
// metrics the run recorded (training time only; validation is off).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAppContext } from '../../../main/services/app-context';
import type { ArchitectureName, BackendName, DatasetSpec, ModelSpec } from '@contract/spec';

export async function engineSamplesPerSec(
  arch: ArchitectureName,
  dataset: DatasetSpec,
  epochs: number,
  batchSize: number,
  backend: 'wasm' | 'cpu',
): Promise<number[]> {
  return (await engineRun({ architecture: arch }, dataset, epochs, batchSize, backend)).samplesPerSec;
}

export interface EngineRun {
  samplesPerSec: number[];
  /** The run's recorded environment (backend, skipped backends, GPU adapter, …). */
  environment: Record<string, unknown>;
}

/** One source-only run of `model` on `backend`; throws with the run's error when it did not complete. */
export async function engineRun(model: ModelSpec, dataset: DatasetSpec, epochs: number, batchSize: number, backend: BackendName): Promise<EngineRun> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'transfer-lab-bench-'));
  const app = createAppContext({ databaseFile: path.join(dir, 'bench.sqlite') });
  const name = 'architecture' in model ? model.architecture : 'import' in model ? path.basename(model.import) : model.pretrained;
  try {
    const started = app.experiments.start({
      name: `bench ${name}`,
      seed: 42,
      backend,
      source: {
        dataset,
        model,
        training: { epochs, batchSize, optimizer: 'adam', learningRate: 1e-3, validationSplit: 0 },
      },
    });
    const outcome = await started.done;
    const run = app.experiments.report(started.experimentId).runs[0];
    if (outcome.status !== 'completed') throw new Error(`engine run of ${name} on ${backend} ended ${outcome.status}: ${run?.error ?? JSON.stringify(outcome)}`);
    return {
      samplesPerSec: run.epochs.map((e) => e.samplesPerSec ?? Number.NaN),
      environment: (app.store.runs.get(run.id)?.environment ?? {}) as Record<string, unknown>,
    };
  } finally {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
