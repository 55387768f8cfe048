// History and comparison in Chromium through browser mode, on real runs: two tiny
// experiments are trained through the CLI into a fresh data folder first (a source →
// target → baseline chain, and a lone source run), then the page filters the list, exports
// it as CSV, opens a run and tags it, and compares two runs and exports that as CSV.
// Screenshots: test-results/screenshots/history-{list,run,compare}.png at 1280×800.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Download, Page } from 'playwright-core';
import { launchChromium, screenshotDir, type LaunchedBrowser } from './chromium';
import { startBrowserMode, type BrowserMode } from './server-harness';
import { tinySpec } from '../node/training/tiny-specs';

const run = promisify(execFile);

interface RunRow {
  id: string;
  role: string;
  parentRunId: string | null;
  experimentName: string;
  tags: string[];
}

let home: string;
let web: BrowserMode;
let chromium: LaunchedBrowser;
let runs: RunRow[];

/** Trains a spec through the CLI, as a user would, into this test's data folder. */
async function trainWithCli(spec: object, file: string): Promise<void> {
  const specFile = path.join(home, file);
  fs.writeFileSync(specFile, JSON.stringify(spec));
  await run(process.execPath, [path.resolve('bin/transfer-lab.js'), 'run', specFile], {
    env: { ...process.env, TRANSFER_LAB_HOME: home },
    timeout: 120_000,
  });
}

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-history-'));
  const chain = { ...tinySpec({ baseline: true, sourceEpochs: 2, targetEpochs: 2 }), name: 'shapes transfer' };
  const lone = {
    name: 'lr sweep',
    seed: 4,
    backend: 'wasm',
    source: {
      dataset: { kind: 'builtin', name: 'shapes', limitPerClass: 20 },
      model: { architecture: 'seed-cnn' },
      training: { epochs: 3, batchSize: 16, learningRate: 0.003, validationSplit: 0.2 },
    },
  };
  await trainWithCli(chain, 'chain.json');
  await trainWithCli(lone, 'lone.json');
  [web, chromium] = await Promise.all([startBrowserMode({ home }), launchChromium()]);
  runs = (await api<{ rows: RunRow[] }>('runs.list', {})).rows;
});

afterAll(async () => {
  await chromium?.close();
  await web?.close();
  if (home) fs.rmSync(home, { recursive: true, force: true });
});

/** Calls the core over browser mode's HTTP API, to check what the page did. */
async function api<T>(method: string, args: object): Promise<T> {
  const response = await fetch(`${web.baseUrl}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${web.token}` },
    body: JSON.stringify(args),
  });
  const body = (await response.json()) as { result?: T; error?: { message: string } };
  if (!body.result) throw new Error(`${method}: ${body.error?.message}`);
  return body.result;
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(screenshotDir(), `history-${name}.png`) });
}

async function downloadedText(page: Page, click: () => Promise<void>): Promise<{ name: string; text: string }> {
  const [download] = (await Promise.all([page.waitForEvent('download'), click()])) as [Download, void];
  const file = await download.path();
  return { name: download.suggestedFilename(), text: fs.readFileSync(file, 'utf8') };
}

function csvRows(text: string): string[][] {
  // Exports start with a UTF-8 byte-order mark, for Excel.
  expect(text.startsWith('\ufeff')).toBe(true);
  // The exported fields under test hold no commas or quotes, so a plain split is enough.
  return text.slice(1).trim().split(/\r\n/).map((line) => line.split(','));
}

async function shownRunIds(page: Page): Promise<string[]> {
  return page.locator('tbody tr[data-run-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run-id') ?? ''));
}

describe('history and comparison', () => {
  it('has four real runs to work with', () => {
    expect(runs.map((r) => r.role).sort()).toEqual(['baseline', 'source', 'source', 'target']);
  });

  it('lists, filters, exports, opens and tags runs, and compares two', async () => {
    const page = await chromium.browser.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    const source = runs.find((r) => r.role === 'source' && r.experimentName === 'shapes transfer')!;
    const target = runs.find((r) => r.role === 'target')!;
    const baseline = runs.find((r) => r.role === 'baseline')!;
    const lone = runs.find((r) => r.experimentName === 'lr sweep')!;

    // The list: all four, the chain nested source → target → baseline.
    await page.goto(`${web.url}#/runs`);
    await page.getByText('1–4 of 4').waitFor();
    const shown = await shownRunIds(page);
    expect(shown.indexOf(target.id)).toBe(shown.indexOf(source.id) + 1);
    expect(shown.indexOf(baseline.id)).toBe(shown.indexOf(target.id) + 1);
    await shot(page, 'list');
    // The smallest window the app supports still shows the list readably.
    await page.setViewportSize({ width: 1024, height: 768 });
    await shot(page, 'list-1024');
    // Scrolled sideways, the run names stay in view (sticky first columns).
    await page.locator('.table-scroll').evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
    await shot(page, 'list-1024-scrolled');
    await page.locator('.table-scroll').evaluate((el) => el.scrollTo({ left: 0 }));
    await page.setViewportSize({ width: 1280, height: 800 });

    // Filter by text (debounced), then by role.
    await page.getByRole('searchbox').fill('sweep');
    await page.getByText('1–1 of 1').waitFor();
    expect(await shownRunIds(page)).toEqual([lone.id]);
    await page.getByRole('button', { name: 'Clear filters' }).first().click();
    await page.getByText('1–4 of 4').waitFor();
    await page.getByLabel('Role').selectOption('source');
    await page.getByText('1–2 of 2').waitFor();
    const sources = await shownRunIds(page);
    expect(sources.sort()).toEqual([source.id, lone.id].sort());

    // Export the filtered list: the header and exactly the filtered rows.
    const listCsv = await downloadedText(page, () => page.getByRole('button', { name: 'Export CSV' }).click());
    expect(listCsv.name).toMatch(/^transfer-lab-runs-.*\.csv$/);
    const [header, ...rows] = csvRows(listCsv.text);
    expect(header.slice(0, 5)).toEqual(['id', 'experiment', 'name', 'role', 'status']);
    expect(rows.map((r) => r[0]).sort()).toEqual(sources);
    expect(rows.every((r) => r[header.indexOf('role')] === 'source')).toBe(true);

    // Sort by test accuracy: the header says so and the store's order is shown.
    await page.getByRole('button', { name: /Test acc\./ }).click();
    await expect.poll(() => page.locator('th[aria-sort="descending"]').textContent()).toContain('Test acc.');

    // Open the target run; it shows its lineage, transfer gain, curves and evaluation.
    await page.getByRole('button', { name: 'Clear filters' }).first().click();
    await page.getByText('1–4 of 4').waitFor();
    await page.locator(`tr[data-run-id="${target.id}"] td.run a`).first().click();
    await page.getByRole('heading', { name: 'Training curves' }).waitFor();
    expect(page.url()).toContain(`#/runs/${target.id}`);
    await page.getByText('Transfer gain').waitFor();
    expect(await page.locator('canvas').count()).toBe(2);
    expect(await page.locator('table.confusion').count()).toBe(1);
    await expect.poll(() => page.locator('a[href^="#/runs/"]', { hasText: 'its source run' }).getAttribute('href')).toBe(`#/runs/${source.id}`);

    // Tag it; the tag is stored and shows on the page.
    await page.getByLabel('New tag').fill('keeper');
    await page.getByRole('button', { name: 'Add tag' }).click();
    await page.getByRole('button', { name: 'Remove tag keeper' }).waitFor();
    expect((await api<{ run: RunRow }>('runs.get', { runId: target.id })).run.tags).toEqual(['keeper']);
    await shot(page, 'run');
    await page.screenshot({ path: path.join(screenshotDir(), 'history-run-full.png'), fullPage: true });

    // Back in the list, the tag filters; then compare the source and the target.
    await page.getByRole('link', { name: 'Runs', exact: true }).first().click();
    await page.getByPlaceholder('exact tag').fill('keeper');
    await page.getByText('1–1 of 1').waitFor();
    expect(await shownRunIds(page)).toEqual([target.id]);
    await page.getByRole('button', { name: 'Clear filters' }).first().click();
    await page.getByText('1–4 of 4').waitFor();
    await page.locator(`tr[data-run-id="${source.id}"] input[type=checkbox]`).check();
    await page.locator(`tr[data-run-id="${target.id}"] input[type=checkbox]`).check();
    await page.getByRole('button', { name: 'Compare (2)' }).click();
    await page.getByRole('heading', { name: 'Confusion matrices' }).waitFor();
    expect(page.url()).toContain(`#/compare?ids=${source.id},${target.id}`);
    expect(await page.locator('table.confusion').count()).toBe(2);
    expect(await page.locator('td.best').count()).toBeGreaterThan(0);
    await shot(page, 'compare');

    // Export the comparison: one row per run, in the comparison's order.
    const compareCsv = await downloadedText(page, () => page.getByRole('button', { name: 'Export CSV' }).click());
    expect(compareCsv.name).toMatch(/^transfer-lab-comparison-.*-2-runs\.csv$/);
    const [cHeader, ...cRows] = csvRows(compareCsv.text);
    expect(cHeader.slice(0, 5)).toEqual(['run_id', 'name', 'experiment', 'role', 'status']);
    expect(cRows.map((r) => r[0])).toEqual([source.id, target.id]);
    expect(cRows.map((r) => r[cHeader.indexOf('role')])).toEqual(['source', 'target']);

    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
