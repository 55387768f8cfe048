// A real comparison for the pure-function tests: three runs (source → target → baseline)
// written to an in-memory store the way the recorder writes them, compared by the core's
// own RunsService — so the renderer code is tested on the shape the core really returns.
import { createStore, type Store } from '../../../main/store';
import { RunsService } from '../../../main/services/runs-service';
import type { Comparison } from '@contract';

export interface ComparisonFixture {
  store: Store;
  comparison: Comparison;
  ids: { source: string; target: string; baseline: string };
  /** When each run started (ms), for wall-time checks. */
  started: Record<string, number>;
}

interface RunPlan {
  role: 'source' | 'target' | 'baseline';
  learningRate: number;
  /** Per epoch: train loss, train accuracy, validation loss, validation accuracy. */
  epochs: [number, number, number, number][];
  testAccuracy: number;
  testLoss: number;
  durationMs: number;
}

export function createComparisonFixture(): ComparisonFixture {
  const store = createStore(':memory:');
  const experiment = store.experiments.create({ name: 'Digits, "v2"', spec: { name: 'Digits, "v2"', seed: 7 } });
  const plans: RunPlan[] = [
    { role: 'source', learningRate: 0.001, epochs: [[1.2, 0.6, 1.1, 0.62], [0.7, 0.8, 0.75, 0.79]], testAccuracy: 0.81, testLoss: 0.7, durationMs: 9000 },
    { role: 'target', learningRate: 0.0005, epochs: [[0.9, 0.7, 0.8, 0.74], [0.5, 0.86, 0.55, 0.84]], testAccuracy: 0.85, testLoss: 0.52, durationMs: 4000 },
    { role: 'baseline', learningRate: 0.0005, epochs: [[1.6, 0.4, 1.5, 0.45], [1.1, 0.6, 1.2, 0.58]], testAccuracy: 0.6, testLoss: 1.25, durationMs: 5000 },
  ];
  const ids: Partial<ComparisonFixture['ids']> = {};
  const started: Record<string, number> = {};
  let parent: string | null = null;
  for (const plan of plans) {
    const run = store.runs.create({
      experimentId: experiment.id,
      role: plan.role,
      parentRunId: parent,
      hyperparams: { epochs: plan.epochs.length, batchSize: 16, learningRate: plan.learningRate, optimizer: 'adam' },
      frozenLayers: plan.role === 'target' ? ['conv1'] : [],
      datasetName: plan.role === 'source' ? 'mnist' : 'letters',
      architecture: 'small-cnn',
      environment: { backend: 'cpu' },
    });
    store.runs.setStatus(run.id, 'running');
    const start = store.runs.require(run.id).startedAt as number;
    started[run.id] = start;
    // Two steps per epoch, then the epoch's summary, each a second apart.
    plan.epochs.forEach(([loss, accuracy, valLoss, valAccuracy], e) => {
      const epoch = e + 1;
      const wall = start + epoch * 2000;
      store.metrics.appendMetrics([
        { runId: run.id, epoch, step: e * 2 + 1, name: 'loss', value: loss + 0.2, wallMs: wall - 1500 },
        { runId: run.id, epoch, step: e * 2 + 2, name: 'loss', value: loss + 0.1, wallMs: wall - 500 },
        { runId: run.id, epoch, name: 'loss', value: loss, wallMs: wall },
        { runId: run.id, epoch, name: 'accuracy', value: accuracy, wallMs: wall },
        { runId: run.id, epoch, name: 'val_loss', value: valLoss, wallMs: wall },
        { runId: run.id, epoch, name: 'val_accuracy', value: valAccuracy, wallMs: wall },
      ]);
    });
    store.evaluations.save({
      runId: run.id, split: 'test', accuracy: plan.testAccuracy, loss: plan.testLoss,
      perClass: [], confusion: { labels: ['a', 'b'], matrix: [[3, 1], [1, 5]] },
    });
    store.runs.setStatus(run.id, 'completed');
    // Fix the duration so the metric table has a known best (setStatus stamps "now").
    store.db.prepare('UPDATE runs SET ended_at = started_at + ? WHERE id = ?').run(plan.durationMs, run.id);
    ids[plan.role] = run.id;
    parent = run.id;
  }
  const all = ids as ComparisonFixture['ids'];
  const comparison = new RunsService(store).compare([all.source, all.target, all.baseline]) as Comparison;
  return { store, comparison, ids: all, started };
}
