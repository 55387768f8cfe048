// WCAG 2.2 AA checks on every view, in Chromium through browser mode: axe-core's WCAG 2.x
// A/AA rules in the light and the dark theme, and reflow (no sideways page scroll) at
// 320×640 and at 640×400 (1280×800 at 200 % zoom), on each of the seven wizard steps while
// a tiny experiment goes through them, then on Runs, a run's page, Compare and Settings.
// Screenshots at 320 px and in dark mode: test-results/screenshots/a11y-*.png.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { screenshotDir } from './chromium';
import { browserSession } from './browser-session';
import { axeInBothThemes, reflowProblems, serveAxe, settle } from './a11y';

const session = browserSession();

async function newPage(): Promise<{ page: Page; pageErrors: string[] }> {
  const page = await session.chromium.browser.newPage({ viewport: { width: 1280, height: 800 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await serveAxe(page);
  return { page, pageErrors };
}

/** axe (light and dark) and reflow on the view as it is now; screenshots at 320 px and dark. */
async function checkView(page: Page, view: string): Promise<string[]> {
  const problems = [...(await axeInBothThemes(page, view)), ...(await reflowProblems(page, view))];
  // The document's language and a title that names the page (WCAG 3.1.1, 2.4.2).
  const { lang, title } = await page.evaluate(() => ({ lang: document.documentElement.lang, title: document.title }));
  if (lang !== 'en') problems.push(`${view}: <html lang> is "${lang}"`);
  if (!/^[A-Z][\w ]+ – Transfer Lab$/.test(title)) problems.push(`${view}: the title "${title}" does not name the page`);
  const original = page.viewportSize()!;
  await page.setViewportSize({ width: 320, height: 640 });
  await settle(page);
  await page.screenshot({ path: path.join(screenshotDir(), `a11y-${view}-320.png`) });
  await page.setViewportSize(original);
  await page.emulateMedia({ colorScheme: 'dark' });
  await settle(page);
  await page.screenshot({ path: path.join(screenshotDir(), `a11y-${view}-dark.png`) });
  await page.emulateMedia({ colorScheme: 'light' });
  return problems;
}

/**
 * Opens every chart's "values as a table" (WCAG 1.1.1), so axe checks the tables too; each
 * table must hold the chart's series as columns and at least one row per epoch.
 */
async function openValueTables(page: Page, minRows: number): Promise<void> {
  const summaries = page.locator('figure.metric-chart summary');
  const n = await summaries.count();
  expect(n).toBeGreaterThan(0);
  for (let i = 0; i < n; i++) await summaries.nth(i).click();
  const tables = page.locator('figure.metric-chart table.values');
  await expect.poll(() => tables.count()).toBe(n);
  for (let i = 0; i < n; i++) {
    expect(await tables.nth(i).locator('thead th').count()).toBeGreaterThan(1);
    expect(await tables.nth(i).locator('tbody tr').count()).toBeGreaterThanOrEqual(minRows);
  }
}

function primary(page: Page) {
  return page.locator('footer.actions button[type=submit]');
}

async function api<T>(method: string, args: object): Promise<T> {
  const response = await fetch(`${session.web.baseUrl}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${session.web.token}` },
    body: JSON.stringify(args),
  });
  const body = (await response.json()) as { result?: T; error?: { message: string } };
  if (!body.result) throw new Error(`${method}: ${body.error?.message}`);
  return body.result;
}

describe('WCAG 2.2 AA on every view (axe light and dark, reflow at 320 px and 200 % zoom)', () => {
  it('every wizard step, from source data to results', async () => {
    const { page, pageErrors } = await newPage();
    const problems: string[] = [];
    await page.goto(`${session.web.url}#/new`);

    // 1. Source data (MNIST 0–4, 20 per class).
    await page.getByRole('checkbox', { name: 'Keep class 4' }).waitFor({ timeout: 60_000 });
    await page.locator('#source-cap').fill('20');
    await page.getByText('100 training samples will be used').waitFor();
    problems.push(...(await checkView(page, 'wizard-1-source-data')));
    await primary(page).click();

    // 2. Model.
    await page.getByRole('rowheader', { name: 'conv1' }).waitFor({ timeout: 30_000 });
    problems.push(...(await checkView(page, 'wizard-2-model')));
    await primary(page).click();

    // 3. Train the source: the form, then the finished run with its confusion matrix.
    await page.getByLabel('Epochs').fill('2');
    await page.getByLabel('Batch size').fill('16');
    problems.push(...(await checkView(page, 'wizard-3-train-source-form')));
    await page.getByRole('button', { name: 'Start training' }).click();
    await page.getByText('Test accuracy').waitFor({ timeout: 120_000 });
    await page.locator('table.confusion').waitFor();
    problems.push(...(await checkView(page, 'wizard-3-train-source-done')));
    await primary(page).click();

    // 4. Target data.
    await page.getByRole('checkbox', { name: 'Keep class 9' }).waitFor({ timeout: 60_000 });
    await page.getByText('100 training samples will be used').waitFor();
    problems.push(...(await checkView(page, 'wizard-4-target-data')));
    await primary(page).click();

    // 5. Transfer (with the freeze table).
    await page.getByRole('checkbox', { name: 'Freeze conv1' }).waitFor({ timeout: 30_000 });
    await page.getByLabel('Epochs').fill('2');
    await page.getByLabel('Batch size').fill('16');
    problems.push(...(await checkView(page, 'wizard-5-transfer')));
    await primary(page).click();

    // 6. Fine-tune: before and after.
    await page.getByRole('button', { name: 'Start fine-tuning' }).waitFor();
    problems.push(...(await checkView(page, 'wizard-6-fine-tune-ready')));
    await page.getByRole('button', { name: 'Start fine-tuning' }).click();
    await page.locator('footer.actions button[type=submit]:not([disabled])', { hasText: 'See results' }).waitFor({ timeout: 180_000 });
    await openValueTables(page, 2);
    problems.push(...(await checkView(page, 'wizard-6-fine-tune-done')));
    await primary(page).click();

    // 7. Results, with a confusion-matrix cell opened.
    await page.getByRole('region', { name: 'Transfer gain' }).waitFor({ timeout: 30_000 });
    await page.locator('table.confusion').first().waitFor();
    await page.locator('table.confusion[role=grid] button').first().click();
    await settle(page);
    problems.push(...(await checkView(page, 'wizard-7-results')));

    expect(problems).toEqual([]);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('Runs, a run page, Compare and Settings', async () => {
    const { page, pageErrors } = await newPage();
    const problems: string[] = [];
    const rows = (await api<{ rows: { id: string; role: string }[] }>('runs.list', {})).rows;
    const source = rows.find((r) => r.role === 'source')!;
    const target = rows.find((r) => r.role === 'target')!;
    expect(source && target).toBeTruthy();

    await page.goto(`${session.web.url}#/runs`);
    await page.getByText('1–3 of 3').waitFor({ timeout: 30_000 });
    problems.push(...(await checkView(page, 'runs')));
    await page.locator(`tr[data-run-id="${source.id}"] input[type=checkbox]`).check();
    problems.push(...(await checkView(page, 'runs-selected')));

    await page.goto(`${session.web.url}#/runs/${target.id}`);
    await page.getByRole('heading', { name: 'Training curves' }).waitFor({ timeout: 30_000 });
    await page.locator('table.confusion').waitFor();
    // The per-epoch numbers open: a wide table must scroll in its own box, not the page.
    await page.getByText(/Per-epoch numbers/).first().click();
    problems.push(...(await checkView(page, 'run')));

    await page.goto(`${session.web.url}#/compare?ids=${source.id},${target.id}`);
    await page.getByRole('heading', { name: 'Confusion matrices' }).waitFor({ timeout: 30_000 });
    await openValueTables(page, 2);
    problems.push(...(await checkView(page, 'compare')));

    await page.goto(`${session.web.url}#/compare`);
    await page.getByText(/Pick two or more runs/).waitFor();
    problems.push(...(await checkView(page, 'compare-empty')));

    await page.goto(`${session.web.url}#/settings`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    problems.push(...(await checkView(page, 'settings')));

    expect(problems).toEqual([]);
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
