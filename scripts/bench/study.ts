// Study benchmark: a 3-depth × 3-seed study run by the study scheduler (concurrent worker
// processes, one source per seed, one baseline per seed) against the same 9 experiments run
// one after another in one process the ordinary way (each trains its own source, transfer and
// baseline), in the same run, on the same built-in data.
//   npm run bench -- study [--per-class 20] [--source-epochs 2] [--epochs 3] [--concurrency N] [--out results.json]
// Reports the wall time of each and their ratio, and the per-sample training speed (samples/s
// of each run's epochs, as the runs record it) of the study's runs against the sequential ones.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAppContext } from '../../main/services/app-context';
import { runJob } from '../../main/training/run-job';
import { parseExperimentSpec, type ExperimentSpec } from '@contract/spec';
import type { FromWorker, Job } from '../../main/training/protocol';
import { appVersion } from '../../main/paths';
import { epochRows } from '../../main/services/experiment-report';
import type { StudySpecInput } from '@contract/study';
import { argValue } from './shared/bench-args';

function positiveInt(name: string, fallback: number, max: number): number {
  const text = argValue(name);
  const value = text === undefined ? fallback : Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    console.error(`${name}: expected a whole number from 1 to ${max}, got ${text}`);
    process.exit(2);
  }
  return value;
}

const perClass = positiveInt('--per-class', 20, 1000);
const sourceEpochs = positiveInt('--source-epochs', 2, 100);
const targetEpochs = positiveInt('--epochs', 3, 100);
const concurrency = argValue('--concurrency') === undefined ? undefined : positiveInt('--concurrency', 1, 256);
const outFile = argValue('--out');

const SEEDS = [1, 2, 3];
const FREEZES = ['none', { through: 'pool1' }, 'all-but-head'] as const;

function experiment(seed: number, freeze: (typeof FREEZES)[number]): ExperimentSpec {
  return parseExperimentSpec({
    name: `bench ${seed} ${JSON.stringify(freeze)}`,
    seed,
    backend: 'wasm',
    source: {
      dataset: { kind: 'builtin', name: 'shapes', classes: ['circle', 'square', 'triangle'], limitPerClass: perClass },
      model: { architecture: 'seed-cnn' },
      training: { epochs: sourceEpochs, batchSize: 16, validationSplit: 0.2 },
    },
    target: {
      dataset: { kind: 'builtin', name: 'shapes', classes: ['cross', 'ring', 'diamond'], limitPerClass: perClass },
      freeze,
      training: { epochs: targetEpochs, batchSize: 16, validationSplit: 0.2 },
      baseline: true,
    },
  });
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);

async function runStudy(home: string): Promise<{ wallMs: number; experiments: number; schedule: string; speed: Record<string, number[]> }> {
  const app = createAppContext({ databaseFile: path.join(home, 'study.sqlite') });
  try {
    const spec: StudySpecInput = { name: 'bench study', seeds: SEEDS, freeze: [...FREEZES], experiment: experiment(SEEDS[0], 'none') };
    const t0 = performance.now();
    const finished = new Promise<string>((resolve) => app.studies.subscribe((e) => e.name === 'study-finished' && resolve(e.payload.status)));
    const started = await app.studies.start(spec, concurrency);
    const status = await finished;
    const wallMs = performance.now() - t0;
    if (status !== 'completed') throw new Error(`the study ended ${status}: ${app.studies.report(started.studyId).error}`);
    const speed: Record<string, number[]> = { source: [], target: [], baseline: [] };
    for (const run of app.store.runs.list({ limit: 1000 }).rows) {
      for (const row of epochRows(app.store.metrics.curves(run.id))) if (row.samplesPerSec) speed[run.role].push(row.samplesPerSec);
    }
    return { wallMs, experiments: started.total, schedule: `${started.concurrency} at a time × ${started.trainingThreads} threads`, speed };
  } finally {
    await app.close();
  }
}

async function runSequential(home: string): Promise<{ wallMs: number; speed: Record<string, number[]> }> {
  const speed: Record<string, number[]> = { source: [], target: [], baseline: [] };
  const t0 = performance.now();
  let n = 0;
  for (const seed of SEEDS) {
    for (const freeze of FREEZES) {
      n++;
      const phases = (['source', 'target', 'baseline'] as const).map((role) => {
        const runDir = path.join(home, `seq-${n}-${role}`);
        fs.mkdirSync(runDir, { recursive: true });
        return { role, runId: `${n}-${role}`, runDir };
      });
      const job: Job = { experimentId: `seq-${n}`, spec: experiment(seed, freeze), phases, dataFolder: home, appVersion: appVersion() };
      const report = (m: FromWorker) => {
        if (m.type === 'epoch') speed[m.runId.split('-')[1]].push(m.metrics.samplesPerSec);
        if (m.type === 'failed') throw new Error(m.message);
      };
      await runJob(job, report, () => false);
    }
  }
  return { wallMs: performance.now() - t0, speed };
}

async function main(): Promise<void> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-bench-study-'));
  try {
    console.log(`${SEEDS.length} seeds × ${FREEZES.length} freeze depths on shapes (seed-cnn, ${perClass} per class, ${sourceEpochs} source and ${targetEpochs} target epochs); ${os.availableParallelism()} cores`);
    const study = await runStudy(home);
    const sequential = await runSequential(home);
    const rows = ['source', 'target', 'baseline'].map((role) => ({
      role,
      studySamplesPerSec: Math.round(mean(study.speed[role])),
      sequentialSamplesPerSec: Math.round(mean(sequential.speed[role])),
      ratio: mean(study.speed[role]) / mean(sequential.speed[role]),
    }));
    const result = {
      cores: os.availableParallelism(),
      study: { wallMs: Math.round(study.wallMs), experiments: study.experiments, schedule: study.schedule },
      sequential: { wallMs: Math.round(sequential.wallMs), experiments: 9, trainings: 27 },
      wallTimeRatio: study.wallMs / sequential.wallMs,
      perSampleSpeed: rows,
    };
    console.log(`study (scheduler, ${study.schedule}, ${study.experiments} experiments): ${(study.wallMs / 1000).toFixed(1)} s`);
    console.log(`the same 9 experiments one after another in one process (27 trainings): ${(sequential.wallMs / 1000).toFixed(1)} s`);
    console.log(`wall time, study / sequential: ${result.wallTimeRatio.toFixed(2)}`);
    console.log('\nper-sample training speed (mean samples/s over epochs; a study run shares the cores with the others running):');
    console.log('role       study   sequential   study / sequential');
    for (const r of rows) console.log(`${r.role.padEnd(9)} ${String(r.studySamplesPerSec).padStart(6)}   ${String(r.sequentialSamplesPerSec).padStart(10)}   ${r.ratio.toFixed(2)}`);
    if (outFile) fs.writeFileSync(outFile, JSON.stringify(result, null, 2));
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
