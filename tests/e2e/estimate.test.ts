// The cost of each phase, said before Start, in Chromium through browser mode: the source
// step estimates source training; the Transfer step says beside the baseline toggle what
// the baseline costs and how many times the fine-tuning that is; the Fine-tune step shows
// the estimate with the baseline, and turning the baseline off there updates it. Screenshots
// of the three steps at 1280×800 and 1024×768, light and dark, go to
// test-results/screenshots/estimate-*.png.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { screenshotDir } from './chromium';
import { browserSession } from './browser-session';
import { axeViolations, serveAxe, settle } from './a11y';

const session = browserSession();

function primary(page: Page) {
  return page.locator('footer.actions button[type=submit]');
}

const estimateNote = (page: Page) => page.locator('.estimate');

/** The view at 1280×800 and 1024×768, light and dark; scrolled to `selector` when given, else to the top. */
async function shots(page: Page, name: string, selector?: string): Promise<void> {
  for (const size of [{ width: 1280, height: 800 }, { width: 1024, height: 768 }]) {
    await page.setViewportSize(size);
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      await settle(page);
      if (selector) await page.locator(selector).evaluate((el) => el.scrollIntoView({ block: 'center' }));
      else await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: path.join(screenshotDir(), `estimate-${name}-${size.width}-${colorScheme}.png`) });
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1280, height: 800 });
}

describe('estimates before Start', () => {
  it('shows each phase, the baseline cost beside its toggle, and updates when the baseline is turned off', async () => {
    const page = await session.chromium.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    const estimateCalls: string[] = [];
    page.on('request', (req) => {
      if (req.url().endsWith('/api/experiments.estimate')) estimateCalls.push(req.postData() ?? '');
    });
    await serveAxe(page);
    await page.goto(`${session.web.url}#/new`);

    // 1–2: built-in digits 0–4, 40 per class; seed-cnn.
    await page.getByRole('checkbox', { name: 'Keep class 4' }).waitFor({ timeout: 60_000 });
    await page.locator('#source-cap').fill('40');
    await page.getByText('200 training samples will be used').waitFor();
    await primary(page).click();
    await page.getByRole('rowheader', { name: 'conv1' }).waitFor({ timeout: 30_000 });
    await primary(page).click();

    // 3: before Start, what source training will take; a changed setting is estimated again.
    await page.getByLabel('Epochs').fill('2');
    await page.getByLabel('Batch size').fill('16');
    await estimateNote(page).getByText(/^Estimated on this machine: source training (~[\d.]+ (s|min)|under 1 s) \(training .*, evaluation .*\)\.$/).waitFor({ timeout: 60_000 });
    expect(await estimateNote(page).textContent()).not.toMatch(/fine-tuning|baseline/);
    await shots(page, 'train-source');
    await page.getByRole('button', { name: 'Start training' }).click();
    await page.getByText('Test accuracy').waitFor({ timeout: 120_000 });
    // Once training has started the estimate before Start is gone (the run shows its own).
    expect(await page.getByText(/^Estimated on this machine/).count()).toBe(0);
    await primary(page).click();

    // 4: digits 5–9, 20 per class.
    await page.getByRole('checkbox', { name: 'Keep class 9' }).waitFor({ timeout: 60_000 });
    await page.locator('#target-cap').fill('20');
    await page.getByText('100 training samples will be used').waitFor();
    await primary(page).click();

    // 5: freeze all but the head (only the head trains, on cached features); beside the
    // baseline toggle, what it costs and how many times the fine-tuning that is.
    await page.getByRole('checkbox', { name: 'Freeze conv1' }).waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Freeze all but the head' }).click();
    await page.getByLabel('Epochs').fill('20');
    const toggle = page.getByRole('checkbox', { name: 'Also train the same model from random weights on the target data' });
    expect(await toggle.isChecked()).toBe(true);
    const cost = page.locator('#baseline-cost');
    await cost.getByText(/^On this machine it takes (~[\d.]+ (s|min)|under 1 s), (about [\d.]+× the fine-tuning|less than the fine-tuning)\.$/).waitFor({ timeout: 60_000 });
    // The toggle is described by its cost, so a screen reader hears it on the checkbox.
    expect(await toggle.getAttribute('aria-describedby')).toContain('baseline-cost');
    await shots(page, 'transfer', '#baseline-cost');
    await primary(page).click();

    // 6: the estimate with the baseline; turning it off updates it without asking again.
    await page.getByRole('button', { name: 'Start fine-tuning' }).waitFor();
    const note = estimateNote(page);
    await note.getByText(/^Estimated on this machine: fine-tuning .*\(feature pass .*, training .*, evaluation .*\); baseline from scratch (~[\d.]+ (s|min)|under 1 s)\.$/).waitFor({ timeout: 60_000 });
    // The first estimate of the step is announced politely, once.
    const announcer = page.getByTestId('announcer');
    await expect.poll(() => announcer.textContent()).toMatch(/^Estimated on this machine: fine-tuning .*; baseline from scratch/);
    const fineTuneToggle = page.getByRole('checkbox', { name: 'Also train the from-scratch baseline' });
    expect(await fineTuneToggle.isChecked()).toBe(true);
    await page.locator('#fine-tune-baseline-cost').getByText(/^On this machine it takes .*the fine-tuning\./).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await shots(page, 'fine-tune');
    const callsBefore = estimateCalls.length;
    expect(callsBefore).toBeGreaterThanOrEqual(2);
    // The spec is sent with the baseline on, whatever the toggle says.
    expect(estimateCalls.every((body) => JSON.parse(body).spec.target === undefined || JSON.parse(body).spec.target.baseline === true)).toBe(true);

    await fineTuneToggle.uncheck();
    await note.getByText(/^Estimated on this machine: fine-tuning [^;]*\)\.$/).waitFor();
    expect(await note.textContent()).not.toMatch(/baseline/);
    expect(await page.locator('#fine-tune-baseline-cost').textContent()).toMatch(/^On this machine, leaving it out saves (~[\d.]+ (s|min)|under 1 s), .*the fine-tuning; the results will then have no comparison with training from scratch\.$/);
    await page.getByText(/· no baseline\./).waitFor();
    await shots(page, 'fine-tune-no-baseline');
    expect(estimateCalls.length).toBe(callsBefore);
    // Recomputed words are shown, not announced again: the live region still holds the first.
    expect(await announcer.textContent()).toMatch(/; baseline from scratch/);

    // Start still works, and the recorded experiment has no baseline run.
    await page.getByRole('button', { name: 'Start fine-tuning' }).click();
    await page.locator('footer.actions button[type=submit]:not([disabled])', { hasText: 'See results' }).waitFor({ timeout: 180_000 });
    const roles = await page.evaluate(async () => {
      const token = sessionStorage.getItem('transfer-lab-token') ?? '';
      const res = await fetch('/api/runs.list', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({}),
      });
      return ((await res.json()) as { result: { rows: { role: string }[] } }).result.rows.map((r) => r.role).sort();
    });
    expect(roles).toEqual(['source', 'target']);
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
