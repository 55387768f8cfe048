// Store benchmark: how fast the supervisor can write metrics and the history view can read.
//   node dist/bench/store.js [--rows 1000000] [--out results.json]
// Works on a fresh database in a temporary folder, removed afterwards.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createStore } from '../../main/store';
import type { MetricInput, RunListQuery } from '../../main/store';
import { argValue } from './shared/bench-args';

interface Result {
  operation: string;
  rows: number;
  ms: number;
  rowsPerSecond: number;
}

const metricRows = Number(argValue('--rows') ?? 1_000_000);
const outFile = argValue('--out');
if (!Number.isInteger(metricRows) || metricRows < 1000) {
  console.error(`--rows: expected an integer ≥ 1000, got ${argValue('--rows')}`);
  process.exit(2);
}

const METRIC_RUNS = 10;
const BATCH_ROWS = 1000;
const LISTED_RUNS = 10_000;
const NAMES = ['loss', 'accuracy', 'val_loss', 'val_accuracy'];

const results: Result[] = [];
function measure<T>(operation: string, rowsOf: (value: T) => number, fn: () => T, repeats = 1): T {
  let value!: T;
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = process.hrtime.bigint();
    value = fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  const ms = times.sort((a, b) => a - b)[Math.floor(times.length / 2)]; // median
  const rows = rowsOf(value);
  results.push({ operation, rows, ms: Math.round(ms * 100) / 100, rowsPerSecond: Math.round(rows / (ms / 1000)) });
  return value;
}

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'transfer-lab-bench-'));
const store = createStore(path.join(folder, 'transfer-lab.sqlite'));
try {
  const experiment = store.experiments.create({ name: 'bench', spec: { name: 'bench' } });
  const metricRunIds = Array.from({ length: METRIC_RUNS }, () =>
    store.runs.create({ experimentId: experiment.id, role: 'source' }).id);

  // Per step, 4 metric names; each appendMetrics call is one transaction of BATCH_ROWS rows.
  const perRun = Math.floor(metricRows / METRIC_RUNS);
  measure(`insert ${metricRows.toLocaleString('en')} metric rows (${BATCH_ROWS}/transaction)`, () => perRun * METRIC_RUNS, () => {
    const wallMs = Date.now();
    for (const runId of metricRunIds) {
      let batch: MetricInput[] = [];
      for (let i = 0; i < perRun; i++) {
        const step = Math.floor(i / NAMES.length);
        batch.push({ runId, epoch: Math.floor(step / 500), step, name: NAMES[i % NAMES.length], value: 1 / (step + 1), wallMs });
        if (batch.length === BATCH_ROWS) {
          store.metrics.appendMetrics(batch);
          batch = [];
        }
      }
      if (batch.length > 0) store.metrics.appendMetrics(batch);
    }
  });

  measure("read one run's curves", (series) => series.reduce((n, s) => n + s.value.length, 0),
    () => store.metrics.curves(metricRunIds[3]), 5);

  const datasets = ['mnist', 'shapes', 'cifar10', 'fashion-mnist'];
  const statuses = ['completed', 'failed', 'cancelled'] as const;
  measure(`create ${LISTED_RUNS.toLocaleString('en')} runs (one transaction)`, () => LISTED_RUNS, () => store.transaction(() => {
    for (let i = 0; i < LISTED_RUNS; i++) {
      const run = store.runs.create({
        experimentId: experiment.id,
        role: (['source', 'target', 'baseline'] as const)[i % 3],
        name: `run ${i} ${i % 7 === 0 ? 'alpha' : 'beta'}`,
        datasetName: datasets[i % datasets.length],
        architecture: i % 2 === 0 ? 'small-cnn' : 'mlp',
      });
      store.runs.setStatus(run.id, 'running');
      store.runs.setStatus(run.id, statuses[i % statuses.length]);
      if (i % 5 === 0) store.tags.add(run.id, 'good');
      store.db.prepare('UPDATE runs SET test_accuracy = ? WHERE id = ?').run((i * 7919 % 1000) / 1000, run.id);
    }
  }));

  const list = (label: string, query: RunListQuery) =>
    measure(label, (page) => page.rows.length, () => store.runs.list(query), 5);
  const first = list('list runs: first page (50, newest first)', {});
  const filtered = list('list runs: filtered (completed, mnist, "alpha", by accuracy, offset 100)', {
    status: 'completed', dataset: 'mnist', text: 'alpha', sort: 'testAccuracy', limit: 50, offset: 100,
  });
  const tagged = list('list runs: tag "good", by name, offset 450', { tag: 'good', sort: 'name', order: 'asc', limit: 50, offset: 450 });
  list(`list runs: all ${LISTED_RUNS.toLocaleString('en')} in one page`, { limit: LISTED_RUNS });
  const checks = { listedTotal: first.total, filteredTotal: filtered.total, taggedTotal: tagged.total };

  console.table(results.map((r) => ({ operation: r.operation, rows: r.rows, ms: r.ms, 'rows/s': r.rowsPerSecond })));
  console.log(`matches: ${JSON.stringify(checks)}; database ${(fs.statSync(path.join(folder, 'transfer-lab.sqlite')).size / 1e6).toFixed(1)} MB`);
  if (outFile) {
    const report = {
      suite: 'store',
      date: new Date().toISOString(),
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      cpus: os.cpus().length,
      sqlite: store.db.prepare('SELECT sqlite_version()').pluck().get(),
      results,
      checks,
    };
    fs.mkdirSync(path.dirname(path.resolve(outFile)), { recursive: true });
    fs.writeFileSync(outFile, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`wrote ${outFile}`);
  }
} finally {
  store.close();
  fs.rmSync(folder, { recursive: true, force: true });
}
