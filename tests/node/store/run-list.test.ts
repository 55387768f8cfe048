// The run list: filters, sort and paging are done in SQL; here they are checked against a
// plain JavaScript filter/sort over the same seeded-random runs.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../../main/engine/rng';
import { StoreError, createStore } from '../../../main/store';
import type { Run, RunListQuery, RunSortColumn, Store } from '../../../main/store';
import { referenceRunList } from './run-list-reference';
import { removeTempFolders, tempFolder } from './temp-folder';

let store: Store;
let all: Run[];

beforeAll(() => {
  store = createStore(path.join(tempFolder(), 'list.sqlite'));
  const rng = createRng(7);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rng() * items.length)];
  const experiments = ['Digits → letters', 'Shapes 100%_done', 'cifar warmup'].map((name) =>
    store.experiments.create({ name, spec: { name } }));
  store.transaction(() => {
    for (let i = 0; i < 90; i++) {
      const run = store.runs.create({
        experimentId: pick(experiments).id,
        role: pick(['source', 'target', 'baseline'] as const),
        name: rng() < 0.3 ? null : pick(['alpha', 'Beta', 'gamma', 'delta run']),
        datasetName: pick(['mnist', 'shapes', null]),
        architecture: pick(['small-cnn', 'mlp', null]),
        notes: rng() < 0.1 ? 'interesting: 50% drop' : '',
      });
      const r = rng();
      if (r < 0.7) store.runs.setStatus(run.id, 'running');
      if (r < 0.5) store.runs.setStatus(run.id, 'completed');
      if (r >= 0.5 && r < 0.6) store.runs.setStatus(run.id, 'failed', 'boom');
      if (r < 0.5 && rng() < 0.8) {
        store.evaluations.save({ runId: run.id, split: 'test', accuracy: Math.round(rng() * 20) / 20, perClass: [], confusion: { labels: [], matrix: [] } });
      }
      if (rng() < 0.4) store.tags.add(run.id, 'good');
      if (rng() < 0.2) store.tags.add(run.id, 'odd_one');
    }
    // Two experiments measured a transfer gain, each on one of its target runs.
    for (const [i, experiment] of experiments.slice(0, 2).entries()) {
      const target = store.runs.list({ experimentId: experiment.id, role: 'target', limit: 1 }).rows[0];
      if (!target) continue;
      store.experiments.setResult(experiment.id, {
        targetRunId: target.id, baselineRunId: null, targetAccuracy: 0.9, baselineAccuracy: 0.85 - i * 0.1, transferGain: 0.05 + i * 0.1,
      });
    }
  });
  all = store.runs.list({ limit: 10_000 }).rows;
});
afterAll(() => {
  store.close();
  removeTempFolders();
});

const sortValue: Record<RunSortColumn, (r: Run) => string | number | null> = {
  createdAt: (r) => r.createdAt,
  startedAt: (r) => r.startedAt,
  endedAt: (r) => r.endedAt,
  status: (r) => r.status,
  role: (r) => r.role,
  name: (r) => r.name?.toLowerCase() ?? null,
  testAccuracy: (r) => r.testAccuracy,
  architecture: (r) => r.architecture,
  datasetName: (r) => r.datasetName,
  experimentName: (r) => r.experimentName.toLowerCase(),
  duration: (r) => (r.startedAt !== null && r.endedAt !== null ? r.endedAt - r.startedAt : null),
  transferGain: (r) => r.transferGain,
};

/** What the list should return, computed the slow, obvious way. */
function expected(query: RunListQuery): { ids: string[]; total: number } {
  return referenceRunList(all, sortValue, query);
}

function actual(query: RunListQuery): { ids: string[]; total: number } {
  const page = store.runs.list(query);
  return { ids: page.rows.map((r) => r.id), total: page.total };
}

describe('listRuns', () => {
  it('holds every run, newest first by default, pages of 50', () => {
    expect(all).toHaveLength(90);
    const first = store.runs.list();
    expect(first.total).toBe(90);
    expect(first.rows).toHaveLength(50);
    expect(first.rows.map((r) => r.id)).toEqual(all.slice(0, 50).map((r) => r.id));
    expect(all.map((r) => r.id)).toEqual([...all.map((r) => r.id)].sort().reverse()); // ties broken by id
  });

  it.each<RunListQuery>([
    { status: 'completed' },
    { status: ['failed', 'running'], sort: 'startedAt', order: 'asc' },
    { role: 'target', tag: 'good' },
    { dataset: 'mnist', sort: 'testAccuracy' },
    { sort: 'testAccuracy', order: 'asc', limit: 7, offset: 14 },
    { sort: 'name', order: 'asc' },
    { sort: 'experimentName', limit: 100 },
    { sort: 'architecture', order: 'asc', limit: 20, offset: 80 },
    { text: 'BETA' },
    { text: 'digits', role: ['source', 'baseline'] },
    { text: '100%_' },
    { text: '50%' },
    { text: '_one' },
    { text: '%' },
    { tag: 'odd_one', sort: 'endedAt' },
    { status: 'queued', sort: 'status' },
    { dataset: 'nothing-like-this' },
    { sort: 'transferGain' },
    { sort: 'transferGain', order: 'asc', role: 'target' },
    { sort: 'duration', order: 'asc', limit: 30 },
  ])('filters, sorts and pages in SQL: %j', (query) => {
    expect(actual(query)).toEqual(expected(query));
  });

  it('shows the transfer gain on the target run it was measured for, and only there', () => {
    const withGain = all.filter((r) => r.transferGain !== null);
    expect(withGain.length).toBe(2);
    for (const run of withGain) expect(run.role).toBe('target');
    expect(withGain.map((r) => r.transferGain).sort()).toEqual([0.05, 0.15000000000000002]);
  });

  it('filters by experiment', () => {
    const experimentId = all[0].experimentId;
    expect(actual({ experimentId, limit: 100 })).toEqual(expected({ experimentId, limit: 100 }));
  });

  it('walks every page exactly once', () => {
    const seen: string[] = [];
    for (let offset = 0; ; offset += 13) {
      const page = store.runs.list({ sort: 'testAccuracy', limit: 13, offset });
      if (page.rows.length === 0) break;
      seen.push(...page.rows.map((r) => r.id));
    }
    expect(seen).toEqual(expected({ sort: 'testAccuracy', limit: 1000 }).ids);
  });

  it('rejects sort columns, orders, statuses and page sizes it does not know', () => {
    const error = (query: RunListQuery) => {
      try {
        store.runs.list(query);
      } catch (err) {
        return err as StoreError;
      }
      throw new Error(`no error for ${JSON.stringify(query)}`);
    };
    expect(error({ sort: 'created_at; DROP TABLE runs' as never }).message).toMatch(/^sort: expected one of createdAt, /);
    expect(error({ order: 'sideways' as never }).message).toBe('order: expected "asc" or "desc", got "sideways"');
    expect(error({ status: 'paused' as never }).code).toBe('invalid');
    expect(error({ limit: 0 }).message).toBe('limit: expected an integer from 1 to 10000, got 0');
    expect(error({ offset: -1 }).code).toBe('invalid');
    expect(store.runs.list({ limit: 1 }).total).toBe(90);
  });
});
