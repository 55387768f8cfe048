// A run's page against a real store: what it shows of a target run (lineage, gain,
// curves, evaluation), and renaming, re-opening in the wizard and deleting it.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import type { Component } from 'svelte';
import { createComparisonFixture, type ComparisonFixture } from './comparison-fixture';
import { createStoreTransport, type StoreTransport } from './store-transport';

let fixture: ComparisonFixture;
let transport: StoreTransport;
let RunPage: Component<{ runId: string }>;
let prefillKey: string;

beforeAll(async () => {
  fixture = createComparisonFixture();
  transport = createStoreTransport(fixture.store);
  // lib/api.ts picks its transport when first imported: install the store-backed one first.
  window.api = transport;
  RunPage = (await import('../../../renderer/src/history/RunPage.svelte')).default as Component<{ runId: string }>;
  prefillKey = (await import('../../../renderer/src/history/wizard-prefill')).WIZARD_PREFILL_KEY;
});
afterEach(() => cleanup());
afterAll(() => fixture.store.close());

describe('RunPage', () => {
  it('shows a target run with its lineage, curves and evaluation', async () => {
    const { ids } = fixture;
    render(RunPage, { runId: ids.target });
    await screen.findByRole('heading', { name: 'Training curves' });
    expect(transport.callsTo('runs.get').at(-1)).toEqual({ runId: ids.target });
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Digits, "v2"');
    expect(screen.getByRole('link', { name: /its source run/ }).getAttribute('href')).toBe(`#/runs/${ids.source}`);
    expect(screen.getByRole('link', { name: /baseline/ }).getAttribute('href')).toBe(`#/runs/${ids.baseline}`);
    expect(screen.getByText('85.0 %', { selector: 'dd' })).toBeTruthy();
    expect(document.querySelectorAll('canvas')).toHaveLength(2);
    expect(document.querySelector('table.confusion')).not.toBeNull();
    expect(screen.getByText('Frozen layers').nextElementSibling?.textContent).toBe('conv1');
  });

  it('shows where the run\'s time went: loading, feature pass, training, evaluation', async () => {
    const { ids, store } = fixture;
    const run = store.runs.require(ids.target);
    store.runs.update(ids.target, {
      environment: { ...(run.environment ?? { backend: 'wasm' }), timings: { loadMs: 2100, featuresMs: 8400, trainMs: 3000, evaluateMs: 1200, inferenceThreads: 2 } },
    });
    render(RunPage, { runId: ids.target });
    await screen.findByRole('heading', { name: 'Time' });
    const value = (label: string) => screen.getByText(label, { selector: 'dt' }).nextElementSibling?.textContent;
    expect(value('Loading data')).toBe('2.1 s');
    expect(value('Feature pass')).toBe('8.4 s (2 threads)');
    expect(value('Training')).toBe('3.0 s');
    expect(value('Evaluation')).toBe('1.2 s');
    expect(value('Total')).toBe('14.7 s');
  });

  it('shows how much of an overlapped feature pass ran while loading, counted once in the total', async () => {
    const { ids, store } = fixture;
    const run = store.runs.require(ids.target);
    store.runs.update(ids.target, {
      environment: { ...(run.environment ?? { backend: 'wasm' }), timings: { loadMs: 10_000, featuresMs: 12_000, featuresDuringLoadMs: 9_500, trainMs: 3000, evaluateMs: 1000, inferenceThreads: 2 } },
    });
    render(RunPage, { runId: ids.target });
    await screen.findByRole('heading', { name: 'Time' });
    const value = (label: string) => screen.getByText(label, { selector: 'dt' }).nextElementSibling?.textContent;
    expect(value('Loading data')).toBe('10.0 s');
    expect(value('Feature pass')).toBe('12.0 s (2 threads; 9.5 s of it while loading)');
    expect(value('Total')).toBe('16.5 s');
  });

  it('renames the run', async () => {
    const { ids, store } = fixture;
    render(RunPage, { runId: ids.target });
    await fireEvent.click(await screen.findByRole('button', { name: 'Rename' }));
    await fireEvent.input(screen.getByRole('textbox', { name: 'Run name' }), { target: { value: '  frozen conv1  ' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await vi.waitFor(() => expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('frozen conv1'));
    expect(store.runs.require(ids.target).name).toBe('frozen conv1');
  });

  it('re-opens the experiment’s settings in the wizard', async () => {
    render(RunPage, { runId: fixture.ids.source });
    await fireEvent.click(await screen.findByRole('button', { name: 'Re-open in wizard' }));
    expect(JSON.parse(localStorage.getItem(prefillKey) ?? 'null')).toEqual({ name: 'Digits, "v2"', seed: 7 });
    expect(window.location.hash).toBe('#/new');
  });

  it('deletes the run after confirmation and goes back to the list', async () => {
    const { ids, store } = fixture;
    render(RunPage, { runId: ids.baseline });
    await fireEvent.click(await screen.findByRole('button', { name: 'Delete run…' }));
    expect(transport.callsTo('runs.delete')).toEqual([]);
    await fireEvent.click(screen.getByRole('button', { name: 'Delete run', hidden: true }));
    await vi.waitFor(() => expect(window.location.hash).toBe('#/runs'));
    expect(transport.callsTo('runs.delete')).toEqual([{ runId: ids.baseline }]);
    expect(store.runs.get(ids.baseline)).toBeNull();
  });

  it('says when a run does not exist', async () => {
    render(RunPage, { runId: 'nosuchrun' });
    await screen.findByRole('heading', { name: 'Run not found' });
  });
});
