// The engine as a user runs it: an app context on a fresh database, an experiment started
// from a source-only spec on a dataset file, trained in a forked worker process that reports
// progress to the supervisor and the store. Samples/s are the per-epoch samples_per_sec
// metrics the run recorded (training time only; validation is off).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAppContext } from '../../../main/services/app-context';
import type { ArchitectureName, DatasetSpec } from '../../../main/engine/spec';

export async function engineSamplesPerSec(
  arch: ArchitectureName,
  dataset: DatasetSpec,
  epochs: number,
  batchSize: number,
  backend: 'wasm' | 'cpu',
): Promise<number[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'transfer-lab-bench-'));
  const app = createAppContext({ databaseFile: path.join(dir, 'bench.sqlite') });
  try {
    const started = app.experiments.start({
      name: `bench ${arch}`,
      seed: 42,
      backend,
      source: {
        dataset,
        model: { architecture: arch },
        training: { epochs, batchSize, optimizer: 'adam', learningRate: 1e-3, validationSplit: 0 },
      },
    });
    const outcome = await started.done;
    if (outcome.status !== 'completed') throw new Error(`engine run of ${arch} ended ${outcome.status}: ${JSON.stringify(outcome)}`);
    const run = app.experiments.report(started.experimentId).runs[0];
    return run.epochs.map((e) => e.samplesPerSec ?? Number.NaN);
  } finally {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
