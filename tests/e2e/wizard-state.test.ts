// The wizard keeps its promises, in Chromium through browser mode on built-in digits with
// tiny settings: a finished experiment whose source data then changes shows its source
// model out of date, trains it again, offers the new model's layers, fine-tunes again into
// new linked runs and shows their results; a second fine-tune after a transfer change;
// reverting the source choices offers the earlier source run instead of training again; a
// name typed on step 1 names the runs; a cancelled baseline gives "no comparison"; and
// "New experiment" gives a blank wizard, asking first when that discards choices.
// Screenshots go to test-results/screenshots/state-*.png.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { screenshotDir } from './chromium';
import { browserSession } from './browser-session';

const session = browserSession();

interface RunRow {
  id: string;
  role: string;
  status: string;
  parentRunId: string | null;
  experimentId: string;
  experimentName: string;
  architecture: string | null;
}

async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(screenshotDir(), `state-${name}.png`), fullPage: false });
}

function primary(page: Page) {
  return page.locator('footer.actions button[type=submit]');
}

const STEP_IDS: Record<string, string> = {
  'Source data': 'source-data',
  Model: 'model',
  'Train source': 'train-source',
  'Target data': 'target-data',
  Transfer: 'transfer',
  'Fine-tune': 'fine-tune',
  Results: 'results',
};

/** The step list's entry for a step, whose data-state is the step's status. */
function stepItem(page: Page, label: string) {
  return page.locator(`nav[aria-label="Wizard steps"] li[data-step="${STEP_IDS[label]}"]`);
}

async function stepState(page: Page, label: string): Promise<string | null> {
  return stepItem(page, label).getAttribute('data-state');
}

/** The current step's heading (whatever its level). */
function stepHeading(page: Page, text?: string) {
  const heading = page.locator('form.step > header').getByRole('heading');
  return text ? heading.filter({ hasText: text }) : heading;
}

async function openStep(page: Page, label: string): Promise<void> {
  await stepItem(page, label).getByRole('button').click();
  await stepHeading(page, label === 'Train source' ? 'Train the source model' : label === 'Transfer' ? 'Transfer settings' : label).waitFor();
}

async function runs(page: Page): Promise<RunRow[]> {
  return page.evaluate(async () => {
    const token = sessionStorage.getItem('transfer-lab-token') ?? '';
    const res = await fetch('/api/runs.list', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ sort: 'createdAt', order: 'asc', limit: 100 }),
    });
    return ((await res.json()) as { result: { rows: RunRow[] } }).result.rows;
  });
}

/** Steps 1–3 on digits 0–4 (20 per class), then step 4 and 5 with one fine-tuning epoch. */
async function trainSource(page: Page): Promise<void> {
  await page.getByRole('checkbox', { name: 'Keep class 4' }).waitFor({ timeout: 60_000 });
  await page.locator('#source-cap').fill('20');
  await primary(page).click();
  await page.getByRole('rowheader', { name: 'conv1' }).waitFor({ timeout: 30_000 });
  await primary(page).click();
  await page.getByLabel('Epochs').fill('1');
  await page.getByLabel('Batch size').fill('16');
  await page.getByRole('button', { name: 'Start training' }).click();
  await page.getByText('Test accuracy').waitFor({ timeout: 120_000 });
}

async function waitForResultsButton(page: Page): Promise<void> {
  await page.locator('footer.actions button[type=submit]:not([disabled])', { hasText: 'See results' }).waitFor({ timeout: 180_000 });
}

describe('the wizard state model in the real UI', () => {
  it('puts a changed source out of date, trains it again, shows the new layers and fine-tunes into new results', async () => {
    const page = await session.chromium.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(`${session.web.url}#/new`);

    // A name follows the choices until typed; a typed name names the runs.
    const name = page.getByLabel('Experiment name');
    await name.waitFor();
    expect(await name.inputValue()).toBe('Digits 0–4 → Digits 5–9 · seed-cnn · nothing frozen');
    await name.fill('Digit halves, walk-through');
    await trainSource(page);
    await primary(page).click();
    await page.getByRole('checkbox', { name: 'Keep class 9' }).waitFor({ timeout: 60_000 });
    await primary(page).click();
    await page.getByRole('checkbox', { name: 'Freeze conv1' }).waitFor({ timeout: 30_000 });
    await page.getByLabel('Epochs').fill('1');
    await primary(page).click();
    await page.getByRole('button', { name: 'Start fine-tuning' }).click();
    await waitForResultsButton(page);
    await primary(page).click();
    const verdict = page.getByRole('region', { name: 'Transfer gain' });
    await verdict.getByText(/target test images\)$/).waitFor({ timeout: 30_000 });
    const first = await runs(page);
    expect(first.map((r) => r.role).sort()).toEqual(['baseline', 'source', 'target']);
    expect(new Set(first.map((r) => r.experimentName))).toEqual(new Set(['Digit halves, walk-through · source', 'Digit halves, walk-through']));
    expect(await stepState(page, 'Results')).toBe('done');

    // Change the source data (digits 0–2 only) and the model (Small CNN).
    await openStep(page, 'Source data');
    await page.getByRole('checkbox', { name: 'Keep class 4' }).uncheck();
    await page.getByRole('checkbox', { name: 'Keep class 3' }).uncheck();
    await openStep(page, 'Model');
    await page.getByRole('radio', { name: /Small CNN/ }).check();
    // Step 3 is out of date and says why; everything after it follows; steps 4 and 5 are closed.
    expect(await stepState(page, 'Train source')).toBe('out-of-date');
    expect(await stepItem(page, 'Train source').getByRole('button').getAttribute('title')).toBe('out of date: source data changed since this run');
    expect(await stepState(page, 'Fine-tune')).toBe('out-of-date');
    expect(await stepState(page, 'Results')).toBe('out-of-date');
    expect(await stepItem(page, 'Target data').getByRole('button').count()).toBe(0);
    expect(await stepItem(page, 'Transfer').getByRole('button').count()).toBe(0);
    await openStep(page, 'Train source');
    await page.locator('p.stale', { hasText: 'Out of date: source data changed since this run' }).waitFor();
    expect(await primary(page).textContent()).toBe('Train again');
    await shot(page, '1-source-out-of-date');

    // Train again: a new source run; the layers offered on Transfer are the new model's.
    await primary(page).click();
    await page.locator('footer.actions button[type=submit]:not([disabled])', { hasText: 'Next' }).waitFor({ timeout: 120_000 });
    expect(await stepState(page, 'Train source')).toBe('done');
    expect(await stepState(page, 'Fine-tune')).toBe('out-of-date');
    await primary(page).click(); // target data
    await primary(page).click(); // transfer
    await page.getByRole('checkbox', { name: 'Freeze conv2' }).waitFor({ timeout: 30_000 });
    expect(await page.getByRole('rowheader', { name: 'bn1' }).count()).toBe(1);
    await shot(page, '2-new-layers');
    await primary(page).click();

    // Fine-tune: step 6 says why the old run is out of date and fine-tunes again.
    await page.locator('p.stale', { hasText: 'Out of date: source model changed since this run' }).waitFor();
    expect(await primary(page).textContent()).toBe('Fine-tune again');
    await shot(page, '3-fine-tune-out-of-date');
    await primary(page).click();
    await waitForResultsButton(page);
    await primary(page).click();
    await verdict.getByText(/target test images\)$/).waitFor({ timeout: 30_000 });
    const second = await runs(page);
    const sources = second.filter((r) => r.role === 'source');
    const targets = second.filter((r) => r.role === 'target');
    expect(sources.length).toBe(2);
    expect(targets.length).toBe(2);
    // The new fine-tuning is linked to the new source; the earlier runs stay in the history.
    expect(targets[1].parentRunId).toBe(sources[1].id);
    expect(targets[0].parentRunId).toBe(sources[0].id);
    expect(sources[1].architecture).toBe('small-cnn');
    // The results shown are the new fine-tuning's.
    expect(await page.getByRole('link', { name: 'Open in history' }).getAttribute('href')).toBe(`#/runs/${targets[1].id}`);
    expect(await stepState(page, 'Results')).toBe('done');

    // A second fine-tune after changing the transfer settings: new runs, new results.
    await openStep(page, 'Transfer');
    await page.getByRole('checkbox', { name: 'Freeze conv1' }).check();
    expect(await stepState(page, 'Fine-tune')).toBe('out-of-date');
    await primary(page).click();
    await page.locator('p.stale', { hasText: 'Out of date: transfer settings changed since this run' }).waitFor();
    await primary(page).click();
    await waitForResultsButton(page);
    await primary(page).click();
    await verdict.getByText(/target test images\)$/).waitFor({ timeout: 30_000 });
    const third = (await runs(page)).filter((r) => r.role === 'target');
    expect(third.length).toBe(3);
    expect(third[2].parentRunId).toBe(sources[1].id);
    expect(await page.getByRole('link', { name: 'Open in history' }).getAttribute('href')).toBe(`#/runs/${third[2].id}`);
    await shot(page, '4-second-fine-tune-results');

    // Back to the first source's choices: instead of training again, its run can be reused.
    await openStep(page, 'Source data');
    await page.getByRole('checkbox', { name: 'Keep class 3' }).check();
    await page.getByRole('checkbox', { name: 'Keep class 4' }).check();
    await openStep(page, 'Model');
    await page.getByRole('radio', { name: /Seed CNN/ }).check();
    await openStep(page, 'Train source');
    const reuse = page.getByRole('button', { name: `Reuse run ${sources[0].id.slice(-8)}` });
    await reuse.click();
    await expect.poll(() => stepState(page, 'Train source')).toBe('done');
    expect(await stepState(page, 'Fine-tune')).toBe('out-of-date');
    expect((await runs(page)).filter((r) => r.role === 'source')).toHaveLength(2); // nothing trained again
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('says "no comparison" when the baseline is cancelled, without a red failure', async () => {
    const page = await session.chromium.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${session.web.url}#/new`);
    // The page's draft is blank: a fresh browser profile has no saved draft.
    await trainSource(page);
    await primary(page).click();
    await page.getByRole('checkbox', { name: 'Keep class 9' }).waitFor({ timeout: 60_000 });
    await primary(page).click();
    await page.getByRole('checkbox', { name: 'Freeze conv1' }).waitFor({ timeout: 30_000 });
    // Enough epochs that the baseline is still training when it is cancelled.
    await page.getByLabel('Epochs').fill('100');
    await primary(page).click();
    await page.getByRole('button', { name: 'Start fine-tuning' }).click();
    await page.getByText(/baseline (training|waiting to start)/).waitFor({ timeout: 300_000 });
    await page.getByRole('button', { name: 'Cancel fine-tuning' }).click();
    await page.getByText('The baseline was cancelled: there is no comparison for this run.').waitFor({ timeout: 60_000 });
    expect(await page.locator('.failed').count()).toBe(0);
    await openStep(page, 'Results');
    const verdict = page.getByRole('region', { name: 'Transfer gain' });
    await verdict.getByText('No comparison: the baseline was cancelled').waitFor({ timeout: 30_000 });
    expect(await page.locator('.failed').count()).toBe(0);
    await shot(page, '5-baseline-cancelled');
    await page.close();
  });

  it('"New experiment" gives a blank wizard, asking before it discards unsaved choices', async () => {
    const page = await session.chromium.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${session.web.url}#/new`);
    await page.getByRole('checkbox', { name: 'Keep class 4' }).waitFor({ timeout: 60_000 });
    await page.locator('#source-cap').fill('7');
    await primary(page).click();
    await page.getByRole('link', { name: 'New experiment' }).click();
    const dialog = page.getByRole('dialog', { name: 'Discard this draft?' });
    await dialog.waitFor();
    await shot(page, '6-discard-draft');
    await dialog.getByRole('button', { name: 'Keep editing' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await stepHeading(page).textContent()).toContain('Model');
    await page.getByRole('link', { name: 'New experiment' }).click();
    await dialog.getByRole('button', { name: 'Discard and start blank' }).click();
    await stepHeading(page, 'Source data').waitFor();
    await page.getByRole('checkbox', { name: 'Keep class 4' }).waitFor();
    expect(await page.locator('#source-cap').inputValue()).toBe('200');
    // Nothing unsaved now: a blank wizard again, without asking.
    await page.getByRole('link', { name: 'New experiment' }).click();
    expect(await dialog.count()).toBe(0);
    // The IDX form: each file on its own labelled row.
    await page.getByRole('radio', { name: /IDX files/ }).check();
    const images = page.getByLabel(/Images file \(IDX\)/);
    const labels = page.getByLabel('Labels file (IDX)');
    const [imagesBox, labelsBox] = [await images.boundingBox(), await labels.boundingBox()];
    await shot(page, '8-idx-form');
    expect(labelsBox!.y).toBeGreaterThan(imagesBox!.y + imagesBox!.height - 1);
    expect(Math.abs(labelsBox!.x - imagesBox!.x)).toBeLessThan(2);
    await page.close();
  });

  it('Settings has real settings: the theme applies at once, the backend goes into the next blank experiment; no request 404s', async () => {
    const page = await session.chromium.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const missing: string[] = [];
    page.on('response', (res) => {
      if (res.status() === 404) missing.push(res.url());
    });
    await page.goto(`${session.web.url}#/settings`);
    await page.getByRole('radio', { name: 'Dark' }).check();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)).toBe('rgb(27, 28, 31)');
    await page.getByLabel('Backend for new experiments').selectOption('wasm');
    await shot(page, '7-settings');
    // Kept across a reload, and used by the next blank experiment.
    await page.reload();
    await page.getByRole('radio', { name: 'Dark' }).waitFor();
    expect(await page.getByRole('radio', { name: 'Dark' }).isChecked()).toBe(true);
    await page.getByRole('link', { name: 'New experiment' }).click();
    await page.getByLabel('Experiment name').waitFor();
    const backend = await page.evaluate(() => JSON.parse(localStorage.getItem('transfer-lab.wizard-draft.v1') ?? '{}').backend);
    expect(backend).toBe('wasm');
    expect(missing).toEqual([]);
    await page.close();
  });
});
