// The whole wizard in Chromium through browser mode, on built-in MNIST with tiny settings:
// train a source model on digits 0–4, freeze its convolution, fine-tune on digits 5–9 with
// the from-scratch baseline, read the verdict, open the images behind a confusion-matrix
// cell, predict on a generated image, and find the runs in the store afterwards. Each step
// is saved as a screenshot (test-results/screenshots/wizard-N-*.png) for people to look at.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { screenshotDir } from './chromium';
import { browserSession } from './browser-session';

const session = browserSession();

async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(screenshotDir(), `wizard-${name}.png`), fullPage: false });
}

async function heading(page: Page): Promise<string> {
  return (await page.locator('h1').first().textContent()) ?? '';
}

function primary(page: Page) {
  return page.locator('footer.actions button[type=submit]');
}

/** A 28×28 gray PNG of a vertical stroke, roughly a handwritten "1". */
async function strokePng(): Promise<Buffer> {
  const pixels = Buffer.alloc(28 * 28);
  for (let y = 4; y < 24; y++) for (let x = 13; x < 16; x++) pixels[y * 28 + x] = 255;
  return sharp(pixels, { raw: { width: 28, height: 28, channels: 1 } }).png().toBuffer();
}

describe('the train-then-fine-tune wizard', () => {
  it('walks from source data to a verdict on built-in digits', async () => {
    const page = await session.chromium.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(`${session.web.url}#/new`);

    // 1. Source data: built-in MNIST, digits 0–4 (the default), at most 200 per class.
    expect(await heading(page)).toContain('Source data');
    await page.getByRole('checkbox', { name: 'Keep class 4' }).waitFor({ timeout: 60_000 });
    expect(await page.getByRole('checkbox', { name: 'Keep class 4' }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: 'Keep class 5' }).isChecked()).toBe(false);
    await page.locator('#source-cap').fill('200');
    await page.getByText('1,000 training samples will be used').waitFor();
    await shot(page, '1-source-data');
    await primary(page).click();

    // 2. Model: seed-cnn and its layer table for 28×28×1 inputs and 5 classes.
    await page.getByText('For 28×28×1 inputs and 5 classes.').waitFor({ timeout: 30_000 });
    expect(await heading(page)).toContain('Model');
    // Focus moved to the new step's heading.
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    await page.getByRole('rowheader', { name: 'conv1' }).waitFor();
    await shot(page, '2-model');
    await primary(page).click();

    // 3. Train the source: 3 epochs, then its test accuracy and confusion matrix.
    expect(await heading(page)).toContain('Train the source model');
    await page.getByLabel('Epochs').fill('3');
    await page.getByLabel('Batch size').fill('16');
    await page.getByRole('button', { name: 'Start training' }).click();
    await page.getByText('Test accuracy').waitFor({ timeout: 120_000 });
    await page.locator('table.confusion').waitFor();
    await shot(page, '3-train-source');
    await primary(page).click();

    // 4. Target data: digits 5–9 (the default), 20 per class.
    expect(await heading(page)).toContain('Target data');
    await page.getByRole('checkbox', { name: 'Keep class 9' }).waitFor({ timeout: 60_000 });
    expect(await page.getByRole('checkbox', { name: 'Keep class 9' }).isChecked()).toBe(true);
    await page.getByText('100 training samples will be used').waitFor();
    await shot(page, '4-target-data');
    await primary(page).click();

    // 5. Transfer: freeze the convolution; the head is replaced (as a new head always trains).
    expect(await heading(page)).toContain('Transfer settings');
    const freezeConv = page.getByRole('checkbox', { name: 'Freeze conv1' });
    await freezeConv.waitFor({ timeout: 30_000 });
    await freezeConv.check();
    await page.locator('.counts', { hasText: '320 frozen' }).waitFor();
    expect(await page.getByRole('checkbox', { name: 'Also train the same model from random weights on the target data' }).isChecked()).toBe(true);
    await page.getByLabel('Epochs').fill('6');
    await page.getByLabel('Batch size').fill('16');
    await shot(page, '5-transfer');
    await page.getByLabel('Batch size').press('Enter'); // Enter advances when the step is valid

    // 6. Fine-tune with the baseline; curves of both.
    expect(await heading(page)).toContain('Fine-tune');
    await page.getByRole('button', { name: 'Start fine-tuning' }).click();
    await page.locator('footer.actions button[type=submit]:not([disabled])', { hasText: 'See results' }).waitFor({ timeout: 180_000 });
    await shot(page, '6-fine-tune');
    await primary(page).click();

    // 7. Results: the verdict in words, a confusion-matrix cell's images, a prediction.
    expect(await heading(page)).toContain('Results');
    const verdict = page.getByRole('region', { name: 'Transfer gain' });
    // The headline names the split, the interval and the test-set size; the epoch figure names its curve.
    await verdict.getByText(/^(Transfer helped|Transfer hurt|Within noise): [+−±][\d.]+ points? of test accuracy \(95 % interval [+−±][\d.]+ to [+−±][\d.]+ points?, [\d,]+ target test images\)$/).waitFor({ timeout: 30_000 });
    expect(await verdict.textContent()).toMatch(/By validation accuracy, the fine-tuned model (reached|never reached) the baseline's final validation accuracy/);
    const cells = await page.getByRole('button', { name: /^actual \d, predicted \d: \d+ samples?$/ }).evaluateAll((els) =>
      els.map((el) => el.getAttribute('aria-label') ?? ''),
    );
    expect(cells.length).toBe(25);
    const mistake = cells.find((label) => {
      const m = /^actual (\d), predicted (\d): (\d+)/.exec(label);
      return m !== null && m[1] !== m[2] && Number(m[3]) > 0;
    });
    if (mistake) {
      await page.getByRole('button', { name: mistake }).click();
      await page.locator('.cell-images img').first().waitFor({ timeout: 30_000 });
    } else {
      // A perfect target model: the diagonal cell explains that only mistakes are kept.
      await page.getByRole('button', { name: cells[0] }).click();
      await page.getByText(/classified correctly/).waitFor();
    }
    // A file that is not an image: said in the person's words, with no "report it".
    const notes = { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a picture') };
    await page.locator('input[type=file]').setInputFiles(notes);
    await page.getByText('notes.txt is not an image.').waitFor();
    expect(await page.getByText(/report it/).count()).toBe(0);
    // A batch with a text file and a broken "PNG": those are listed as skipped, the rest predicted.
    const broken = { name: 'broken.png', mimeType: 'image/png', buffer: Buffer.from('not really a png') };
    await page.locator('input[type=file]').setInputFiles([notes, { name: 'stroke.png', mimeType: 'image/png', buffer: await strokePng() }, broken]);
    const prediction = page.getByRole('list', { name: 'Predictions' });
    await prediction.waitFor({ timeout: 30_000 });
    expect(await prediction.textContent()).toMatch(/[5-9][\s\S]*\d+\.\d %/);
    expect(await prediction.locator('li').count()).toBe(1);
    const skipped = page.locator('.skipped');
    await skipped.getByText('broken.png').waitFor({ timeout: 30_000 });
    expect(await skipped.textContent()).toMatch(/Skipped 2 files:\s*notes\.txt is not a PNG, JPEG, WebP or GIF image\s*broken\.png could not be read as an image/);
    await shot(page, '7-results');

    // The runs are in the store: the source, and the fine-tuned target with its baseline.
    const listed = await page.evaluate(async () => {
      const token = sessionStorage.getItem('transfer-lab-token') ?? '';
      const res = await fetch('/api/runs.list', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ sort: 'createdAt', order: 'asc' }),
      });
      return (await res.json()) as { result: { rows: { role: string; status: string; frozenLayers: string[]; parentRunId: string | null; id: string }[] } };
    });
    const rows = listed.result.rows;
    expect(rows.map((r) => [r.role, r.status]).sort()).toEqual([
      ['baseline', 'completed'],
      ['source', 'completed'],
      ['target', 'completed'],
    ]);
    const source = rows.find((r) => r.role === 'source');
    const target = rows.find((r) => r.role === 'target');
    expect(target?.frozenLayers).toEqual(['conv1']);
    expect(target?.parentRunId).toBe(source?.id);

    // And the Runs page lists them, as a person would find them.
    await page.getByRole('link', { name: 'Runs', exact: true }).click();
    for (const run of rows) await page.locator(`tr[data-run-id="${run.id}"]`).waitFor({ timeout: 15_000 });
    expect(await page.locator('tbody tr').count()).toBe(3);
    // At 1280 × 800 the whole table fits: no sideways scrolling.
    const overflow = await page.locator('.table-scroll').evaluate((el) => el.scrollWidth - el.clientWidth);
    await shot(page, '8-runs');
    expect(overflow).toBeLessThanOrEqual(0);

    // Back to the results (the rail's New experiment would start a blank wizard): "Try every
    // depth" starts a study from these settings; it can be cancelled.
    await page.goBack();
    await page.getByRole('button', { name: 'Which layers should I freeze? Try every depth' }).click();
    await page.waitForURL(/#\/studies\/[0-9a-z]+$/);
    await expect.poll(() => page.locator('.status').textContent(), { timeout: 30_000 }).toMatch(/^\s*running · \d+\/\d+ cells, \d+\/\d+ experiments done/);
    expect(await page.locator('h1').textContent()).toContain('every frozen depth');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => page.locator('.status').getAttribute('data-status'), { timeout: 30_000 }).toBe('cancelled');
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
