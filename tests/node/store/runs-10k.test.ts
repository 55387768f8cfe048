// The history view's list at scale: 10,000 runs (source → target → baseline chains, varied
// status, dataset, tags, accuracy, duration) written in one transaction to a real SQLite
// file. The first page and several filtered, sorted, offset pages must match a plain
// JavaScript filter/sort over what was written. Times are logged, not asserted: the store
// bench (npm run bench -- store) is where speed is reported.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../../main/engine/rng';
import { createStore } from '../../../main/store';
import type { RunListQuery, RunRole, RunStatus, Store } from '../../../main/store';
import { referenceRunList } from './run-list-reference';
import { removeTempFolders, tempFolder } from './temp-folder';

const RUNS = 10_000;

/** What the test wrote, kept in JavaScript as the reference. */
interface Written {
  id: string;
  experimentName: string;
  role: RunRole;
  parentRunId: string | null;
  name: string | null;
  status: RunStatus;
  datasetName: string;
  architecture: string;
  notes: string;
  tags: string[];
  testAccuracy: number | null;
  createdAt: number;
  durationMs: number | null;
}

let store: Store;
const written: Written[] = [];

beforeAll(() => {
  store = createStore(path.join(tempFolder('transfer-lab-10k-'), 'runs.sqlite'));
  const rng = createRng(10_000);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rng() * items.length)];
  const datasets = ['mnist', 'fashion-mnist', 'shapes', 'cifar10', 'letters'];
  const finals: RunStatus[] = ['completed', 'completed', 'completed', 'failed', 'cancelled', 'interrupted'];
  const setTimes = store.db.prepare('UPDATE runs SET started_at = ?, ended_at = ? WHERE id = ?');
  const experiments = Array.from({ length: 40 }, (_, i) => store.experiments.create({ name: `Study ${i} ${pick(['digits', 'shapes', 'letters'])}`, spec: {} }));

  const started = process.hrtime.bigint();
  store.transaction(() => {
    let parent: Written | null = null;
    for (let i = 0; i < RUNS; i++) {
      // Chains of source → target → baseline, as an experiment with a baseline writes them.
      const role: RunRole = (['source', 'target', 'baseline'] as const)[i % 3];
      const experiment = role === 'source' ? pick(experiments) : experiments.find((e) => e.name === parent?.experimentName)!;
      const run = store.runs.create({
        experimentId: experiment.id,
        role,
        parentRunId: role === 'source' ? null : parent!.id,
        name: rng() < 0.4 ? `${pick(['alpha', 'Beta', 'gamma', 'delta'])} ${i}` : null,
        datasetName: pick(datasets),
        architecture: pick(['seed-cnn', 'small-cnn', 'mlp']),
        notes: rng() < 0.05 ? 'worth a second look' : '',
      });
      const r = rng();
      const status: RunStatus = r < 0.02 ? 'queued' : r < 0.05 ? 'running' : pick(finals);
      if (status !== 'queued') store.runs.setStatus(run.id, 'running');
      if (status !== 'queued' && status !== 'running') store.runs.setStatus(run.id, status);
      let testAccuracy: number | null = null;
      if (status === 'completed') {
        testAccuracy = Math.round(rng() * 1000) / 1000;
        store.evaluations.save({ runId: run.id, split: 'test', accuracy: testAccuracy, perClass: [], confusion: { labels: [], matrix: [] } });
      }
      let durationMs: number | null = null;
      if (status !== 'queued' && status !== 'running') {
        durationMs = 1000 + Math.floor(rng() * 600_000);
        setTimes.run(run.createdAt, run.createdAt + durationMs, run.id);
      }
      const tags = ['good', 'odd_one', 'paper', 'v2'].filter(() => rng() < 0.2);
      for (const tag of tags) store.tags.add(run.id, tag);
      const w: Written = {
        id: run.id, experimentName: experiment.name, role, parentRunId: run.parentRunId, name: run.name, status,
        datasetName: run.datasetName!, architecture: run.architecture!, notes: run.notes, tags: tags.sort(),
        testAccuracy, createdAt: run.createdAt, durationMs,
      };
      written.push(w);
      if (role !== 'baseline') parent = w;
    }
  });
  console.log(`runs-10k: wrote ${RUNS.toLocaleString('en')} runs in one transaction in ${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(0)} ms`);
});

afterAll(() => {
  store.close();
  removeTempFolders();
});

type SortKey = NonNullable<RunListQuery['sort']>;
const sortValue: Partial<Record<SortKey, (r: Written) => string | number | null>> = {
  createdAt: (r) => r.createdAt,
  status: (r) => r.status,
  role: (r) => r.role,
  name: (r) => r.name?.toLowerCase() ?? null,
  testAccuracy: (r) => r.testAccuracy,
  datasetName: (r) => r.datasetName,
  experimentName: (r) => r.experimentName.toLowerCase(),
  duration: (r) => r.durationMs,
};

/** The page the list should return, computed the slow, obvious way from what was written. */
function reference(query: RunListQuery): { ids: string[]; total: number } {
  return referenceRunList(written, sortValue, query);
}

function listTimed(query: RunListQuery): { ids: string[]; total: number } {
  const started = process.hrtime.bigint();
  const page = store.runs.list(query);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(`runs-10k: ${JSON.stringify(query)} → ${page.rows.length} of ${page.total} in ${ms.toFixed(2)} ms`);
  return { ids: page.rows.map((r) => r.id), total: page.total };
}

describe('a store with 10,000 runs', () => {
  it('returns the first page newest first, with the total', () => {
    const page = listTimed({});
    expect(page.total).toBe(RUNS);
    expect(page.ids).toHaveLength(50);
    expect(page).toEqual(reference({}));
  });

  it.each<RunListQuery>([
    { status: 'completed', dataset: 'mnist', text: 'alpha', sort: 'testAccuracy', limit: 50, offset: 20 },
    { role: 'target', tag: 'good', sort: 'name', order: 'asc', offset: 100 },
    { role: ['target', 'baseline'], status: ['failed', 'interrupted'], sort: 'duration', order: 'asc', limit: 100 },
    { text: 'LETTERS', sort: 'experimentName', order: 'asc', offset: 1000 },
    { tag: 'odd_one', status: 'running', sort: 'status' },
    { sort: 'datasetName', order: 'desc', limit: 25, offset: RUNS - 10 },
    { text: 'second look', role: 'source' },
  ])('returns a filtered, sorted page as a JavaScript reference does: %j', (query) => {
    const page = listTimed(query);
    expect(page).toEqual(reference(query));
    expect(page.total).toBeGreaterThan(0);
  });

  it('lists a run’s children by lineage', () => {
    const source = written.find((r) => r.role === 'source' && r.status === 'completed')!;
    const query: RunListQuery = { parentRunId: source.id, sort: 'createdAt', order: 'asc' };
    const page = listTimed(query);
    expect(page.ids).toEqual(reference(query).ids);
    expect(page.ids).toHaveLength(1);
  });
});
