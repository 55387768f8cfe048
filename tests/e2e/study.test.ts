// A study in Chromium through browser mode, end to end on real training: a 2-depth × 3-seed
// study on the built-in shapes is started from the Studies page, followed to the end, its
// charts drawn (light and dark), a chart point clicked open to its runs, and the CSV exported.
// Screenshots: test-results/screenshots/study-{light,dark}.png at 1280×900.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium, screenshotDir, type LaunchedBrowser } from './chromium';
import { startBrowserMode, type BrowserMode } from './server-harness';
import { tinySpec } from '../node/training/tiny-specs';

let home: string;
let web: BrowserMode;
let chromium: LaunchedBrowser;

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-study-e2e-'));
  [web, chromium] = await Promise.all([startBrowserMode({ home }), launchChromium()]);
});

afterAll(async () => {
  await chromium?.close();
  await web?.close();
  if (home) fs.rmSync(home, { recursive: true, force: true });
});

const studySpec = {
  name: 'Shapes: freeze nothing or through pool1?',
  seeds: 3,
  freeze: ['none', { through: 'pool1' }],
  targetPerClass: [6, 12],
  experiment: { ...tinySpec({ sourceEpochs: 3, targetEpochs: 5 }), name: 'shapes' },
};

async function points(page: Page, chart: number): Promise<{ series: number; index: number; x: number; y: number }[]> {
  return JSON.parse((await page.locator('figure.study-chart').nth(chart).getAttribute('data-points')) ?? '[]');
}

describe('a study in the UI', () => {
  it('starts from a spec, runs to the end, plots gain by depth and the learning curve, and opens a point\'s runs', async () => {
    const page = await chromium.browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    await page.goto(web.url);
    await page.getByRole('link', { name: 'Studies' }).click();
    await expect.poll(() => page.getByText('No studies yet').count()).toBe(1);

    // A bad axis is refused next to the form, naming the field.
    await page.getByText('Start a study from a spec').click();
    await page.locator('#study-spec').fill(JSON.stringify({ ...studySpec, seeds: 0 }));
    await page.getByRole('button', { name: 'Start study' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/^seeds: /);

    await page.locator('#study-spec').fill(JSON.stringify(studySpec));
    await page.getByRole('button', { name: 'Start study' }).click();
    await page.waitForURL(/#\/studies\/[0-9a-z]+$/);
    // Progress while it runs: experiments done of the total (3 sources, 6 baselines, 12 transfers).
    await expect.poll(() => page.locator('.status').textContent(), { timeout: 30_000 }).toMatch(/\/4 cells, \d+\/21 experiments done/);
    await expect.poll(() => page.locator('.status').getAttribute('data-status'), { timeout: 170_000, interval: 1000 }).toBe('completed');

    await expect.poll(() => page.locator('tbody tr').count()).toBe(4);
    const verdicts = await page.locator('.verdict').allTextContents();
    for (const v of verdicts) expect(['helps', 'hurts', 'within noise']).toContain(v);
    expect(await page.locator('.recommendation p').first().textContent()).toMatch(/points over training from scratch|no setting reliably beats training from scratch/);

    // Two charts: gain by depth (2 sizes × 2 depths) and accuracy by examples per class (2 freeze settings + scratch, 2 sizes each).
    await expect.poll(async () => (await points(page, 0)).length).toBe(4);
    expect((await points(page, 1)).length).toBe(6);
    await page.screenshot({ path: path.join(screenshotDir(), 'study-light.png'), fullPage: true });

    // Clicking a drawn point lists its runs, which open their run pages.
    const [first] = await points(page, 0);
    await page.locator('figure.study-chart canvas').first().click({ position: { x: first.x, y: first.y } });
    const picked = page.getByRole('region', { name: 'Runs behind the point' });
    await expect.poll(() => picked.locator('li').count()).toBe(3);
    const runLink = picked.locator('a', { hasText: 'transfer' }).first();
    const href = await runLink.getAttribute('href');
    expect(href).toMatch(/^#\/runs\/[0-9a-z]+$/);

    const csv = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const file = await (await csv).path();
    const lines = fs.readFileSync(file, 'utf8').trim().split('\r\n');
    expect(lines[0]).toMatch(/^cell,freeze,frozen_depth,target_per_class/);
    expect(lines).toHaveLength(5);
    const png = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export PNG' }).first().click();
    expect(fs.readFileSync(await (await png).path()).subarray(1, 4).toString()).toBe('PNG');

    await runLink.click();
    await page.waitForURL(/#\/runs\//);
    await page.close();

    // The same page in the dark theme.
    const dark = await chromium.browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme: 'dark' });
    await dark.goto(web.url);
    const { studies } = await (await fetch(`${web.baseUrl}/api/studies.list`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${web.token}` }, body: '{}',
    })).json().then((b: { result: { studies: { id: string }[] } }) => b.result);
    await dark.evaluate((id) => (window.location.hash = `#/studies/${id}`), studies[0].id);
    await expect.poll(async () => (await points(dark, 1)).length).toBe(6);
    await dark.screenshot({ path: path.join(screenshotDir(), 'study-dark.png'), fullPage: true });
    await dark.close();
  }, 300_000);
});
