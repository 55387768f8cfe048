// The runs page against a real store: what it asks 'runs.list' for when a header is
// clicked or the filter typed into, and that what it shows follows the store's answer.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import type { Component } from 'svelte';
import { createStoreTransport, type StoreTransport } from './store-transport';
import { formatDateTime } from '../../../renderer/src/lib/format';

let transport: StoreTransport;
let RunsPage: Component;
let resetRunsList: () => void;
const ids: Record<string, string> = {};

beforeAll(async () => {
  transport = createStoreTransport();
  // lib/api.ts picks its transport when first imported: install the store-backed one first.
  window.api = transport;
  RunsPage = (await import('../../../renderer/src/history/RunsPage.svelte')).default as Component;
  resetRunsList = (await import('../../../renderer/src/history/runs-list-state.svelte')).resetRunsList;

  const { store } = transport;
  const accuracy = (runId: string, value: number) =>
    store.evaluations.save({ runId, split: 'test', accuracy: value, perClass: [], confusion: { labels: [], matrix: [] } });
  const finish = (runId: string) => {
    store.runs.setStatus(runId, 'running');
    store.runs.setStatus(runId, 'completed');
  };
  store.transaction(() => {
    const digits = store.experiments.create({ name: 'Digits to letters', spec: {} });
    const source = store.runs.create({ experimentId: digits.id, role: 'source', datasetName: 'mnist', architecture: 'small-cnn' });
    const target = store.runs.create({ experimentId: digits.id, role: 'target', parentRunId: source.id, datasetName: 'letters', frozenLayers: ['conv1', 'pool1'] });
    const baseline = store.runs.create({ experimentId: digits.id, role: 'baseline', parentRunId: target.id, datasetName: 'letters' });
    const shapes = store.experiments.create({ name: 'Shapes alpha', spec: {} });
    const lone = store.runs.create({ experimentId: shapes.id, role: 'source', name: 'alpha run', datasetName: 'shapes' });
    for (const id of [source.id, target.id, baseline.id, lone.id]) finish(id);
    accuracy(source.id, 0.91);
    accuracy(target.id, 0.84);
    accuracy(baseline.id, 0.62);
    accuracy(lone.id, 0.97);
    Object.assign(ids, { source: source.id, target: target.id, baseline: baseline.id, lone: lone.id });
    // Runs made in the same millisecond tie on created_at; spread them so "newest first" is
    // one known order: source, target, baseline, then the lone run.
    const setCreated = store.db.prepare('UPDATE runs SET created_at = ? WHERE id = ?');
    [source.id, target.id, baseline.id, lone.id].forEach((id, i) => setCreated.run(1_700_000_000_000 + i * 1000, id));
  });
});

afterEach(() => {
  cleanup();
  resetRunsList();
  transport.calls.length = 0;
});

/** Run ids in the order the table shows them. */
function shownIds(): string[] {
  return [...document.querySelectorAll('tbody tr')].map((tr) => tr.getAttribute('data-run-id') ?? '');
}

async function renderLoaded(): Promise<void> {
  render(RunsPage);
  await screen.findByText('1–4 of 4');
}

describe('RunsPage', () => {
  it('loads the first page newest first and nests target and baseline under their source', async () => {
    await renderLoaded();
    expect(transport.callsTo('runs.list')[0]).toEqual({ sort: 'createdAt', order: 'desc', limit: 50, offset: 0 });
    const shown = shownIds();
    // The lone run was created last; the chain keeps source → target → baseline order.
    expect(shown).toEqual([ids.lone, ids.source, ids.target, ids.baseline]);
    const targetRow = document.querySelector(`tr[data-run-id="${ids.target}"]`) as HTMLElement;
    expect(targetRow.classList.contains('child')).toBe(true);
    expect(targetRow.querySelector('td.numeric')?.textContent).toBe('84.0 %');
    expect(within(targetRow).getByText('2 frozen')).toBeTruthy();
  });

  it('sorts by a header click: asks the store for the sort and shows its order', async () => {
    await renderLoaded();
    const header = screen.getByRole('button', { name: /Test acc\./ });
    expect(header.closest('th')?.getAttribute('aria-sort')).toBe('none');

    await fireEvent.click(header);
    await vi.waitFor(() => expect(transport.callsTo('runs.list').at(-1)).toMatchObject({ sort: 'testAccuracy', order: 'desc', offset: 0 }));
    await vi.waitFor(() => expect(shownIds()).toEqual([ids.lone, ids.source, ids.target, ids.baseline]));
    expect(header.closest('th')?.getAttribute('aria-sort')).toBe('descending');
    // Sorted by a value, rows are flat: the target is no longer nested.
    expect(document.querySelector(`tr[data-run-id="${ids.target}"]`)?.classList.contains('child')).toBe(false);

    await fireEvent.click(header);
    await vi.waitFor(() => expect(transport.callsTo('runs.list').at(-1)).toMatchObject({ sort: 'testAccuracy', order: 'asc' }));
    await vi.waitFor(() => expect(shownIds()).toEqual([ids.baseline, ids.target, ids.source, ids.lone]));
    expect(header.closest('th')?.getAttribute('aria-sort')).toBe('ascending');
  });

  it('debounces the search box: one query once typing pauses, none per keystroke', async () => {
    await renderLoaded();
    const before = transport.callsTo('runs.list').length;
    const search = screen.getByRole('searchbox');
    for (const text of ['a', 'al', 'alp', 'alpha']) await fireEvent.input(search, { target: { value: text } });
    expect(transport.callsTo('runs.list').length).toBe(before);

    await screen.findByText('1–1 of 1');
    const after = transport.callsTo('runs.list').slice(before);
    expect(after).toEqual([{ text: 'alpha', sort: 'createdAt', order: 'desc', limit: 50, offset: 0 }]);
    expect(shownIds()).toEqual([ids.lone]);
  });

  it('filters by role at once and clears filters', async () => {
    await renderLoaded();
    const role = screen.getByLabelText('Role') as HTMLSelectElement;
    await fireEvent.change(role, { target: { value: 'target' } });
    await screen.findByText('1–1 of 1');
    expect(transport.callsTo('runs.list').at(-1)).toMatchObject({ role: 'target' });
    // The address keeps the filter, so a reload shows the same list.
    expect(window.location.hash).toBe('#/runs?role=target');
    // Its parent is not on the page, so the row links to it instead of nesting.
    const row = document.querySelector(`tr[data-run-id="${ids.target}"]`) as HTMLElement;
    expect(within(row).getByText(ids.source.slice(-8)).getAttribute('href')).toBe(`#/runs/${ids.source}`);

    await fireEvent.click(screen.getAllByRole('button', { name: 'Clear filters' })[0]);
    await screen.findByText('1–4 of 4');
    expect(transport.callsTo('runs.list').at(-1)).not.toHaveProperty('role');
    expect(window.location.hash).toBe('#/runs');
  });

  it('shows when each run was created as a date and a time, in the one date format of the app', async () => {
    await renderLoaded();
    const row = document.querySelector(`tr[data-run-id="${ids.source}"]`) as HTMLElement;
    expect(row.querySelector('td.date')?.textContent?.replace(/\s+/g, ' ').trim()).toBe(formatDateTime(1_700_000_000_000 + 1000));
  });

  it('compares the selected runs', async () => {
    await renderLoaded();
    const compare = screen.getByRole('button', { name: /^Compare/ }) as HTMLButtonElement;
    expect(compare.disabled).toBe(true);
    await fireEvent.click(screen.getByRole('checkbox', { name: /Select alpha run/ }));
    expect(compare.disabled).toBe(true);
    const sourceRow = document.querySelector(`tr[data-run-id="${ids.source}"]`) as HTMLElement;
    await fireEvent.click(within(sourceRow).getByRole('checkbox'));
    expect(compare.disabled).toBe(false);
    expect(compare.textContent).toContain('(2)');
    await fireEvent.click(compare);
    expect(window.location.hash).toBe(`#/compare?ids=${ids.lone},${ids.source}`);
  });

  it('refreshes when a run changes status, and stops listening when gone', async () => {
    await renderLoaded();
    expect(transport.listenerCount('run-status')).toBe(1);
    const before = transport.callsTo('runs.list').length;
    transport.emit('run-status', { experimentId: 'x', runId: ids.lone, status: 'completed' });
    await vi.waitFor(() => expect(transport.callsTo('runs.list').length).toBe(before + 1));
    cleanup();
    expect(transport.listenerCount('run-status')).toBe(0);
    expect(transport.listenerCount('run-epoch')).toBe(0);
  });
});

describe('RunsPage with no runs', () => {
  it('says how to start', async () => {
    const { store } = transport;
    const all = store.runs.list({ limit: 100 }).rows;
    for (const run of all) store.deleteRun(run.id);
    render(RunsPage);
    const link = await screen.findByRole('link', { name: 'New experiment' });
    expect(link.getAttribute('href')).toBe('#/new');
    expect(screen.getByText('No runs yet — start with the digits example.')).toBeTruthy();
  });
});
