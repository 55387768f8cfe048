// A keyboard-only walk in Chromium through browser mode (WCAG 2.1.1, 2.4.3, 2.4.7, 2.4.11,
// 4.1.3): no mouse from the first key to the last. Start a tiny experiment on built-in
// digits, follow it to Results, move through the confusion matrix with the arrow keys, then
// sort and filter Runs, compare two runs and open one. After every key press focus must be
// on a visible element that nothing (the sticky wizard footer) covers, never on <body>.
// At 640×400 (200 % zoom) every tab stop of the Transfer and Results steps is checked too.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { screenshotDir } from './chromium';
import { browserSession } from './browser-session';
import { focusInfo, settle } from './a11y';

const session = browserSession();

/** Focus problems seen during the walk, reported together at the end. */
let problems: string[] = [];

async function expectFocusShown(page: Page, after: string): Promise<void> {
  const info = await focusInfo(page);
  if (info.onBody) problems.push(`after ${after}: focus is on <body>`);
  else if (!info.visible) problems.push(`after ${after}: ${info.description} has focus but is off screen`);
  else if (!info.unobscured) problems.push(`after ${after}: ${info.description} has focus but is covered`);
  else if (!info.indicated) problems.push(`after ${after}: ${info.description} has focus but shows no focus indicator`);
}

async function press(page: Page, key: string): Promise<void> {
  const from = (await focusInfo(page)).description;
  await page.keyboard.press(key);
  await settle(page);
  await expectFocusShown(page, `${key} from ${from}`);
}

/**
 * Tabs (or Shift+Tabs) until the focused element matches `test`, the source of a predicate
 * on the element (a string: it runs in the page); each stop on the way is checked.
 */
async function tabTo(page: Page, test: string, what: string, opts: { back?: boolean; max?: number } = {}): Promise<number> {
  const max = opts.max ?? 80;
  for (let i = 1; i <= max; i++) {
    await press(page, opts.back ? 'Shift+Tab' : 'Tab');
    // A string expression: DevTools evaluates it, so the page's CSP (no eval) does not apply.
    const found = await page.evaluate(`(() => { const el = document.activeElement; return el !== null && (${test})(el); })()`);
    if (found) return i;
  }
  throw new Error(`${what}: not reached in ${max} ${opts.back ? 'Shift+Tab' : 'Tab'} presses`);
}

async function tabToText(page: Page, text: string, opts: { back?: boolean; max?: number } = {}): Promise<number> {
  return tabTo(page, `(el) => (el.textContent ?? '').trim() === ${JSON.stringify(text)}`, text, opts);
}

async function active(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement;
    return `${el?.tagName} ${(el?.getAttribute('aria-label') ?? el?.textContent ?? '').trim()}`;
  });
}

/** Every tab stop from the step list to the footer, at the current size: no part of any may be covered. */
async function everyStopUncovered(page: Page, step: string): Promise<number> {
  await tabTo(page, `(el) => el.closest('nav[aria-label="Wizard steps"]') !== null`, 'the step list', { back: true, max: 150 });
  let stops = 0;
  for (let i = 0; i < 150; i++) {
    await page.keyboard.press('Tab');
    await settle(page);
    stops++;
    const { width, height } = page.viewportSize()!;
    await expectFocusShown(page, `Tab ${stops} on ${step} at ${width}×${height}`);
    // For people to look at: a focused control just above the sticky footer.
    if (stops === 14) await page.screenshot({ path: path.join(screenshotDir(), `a11y-keyboard-${step.toLowerCase()}-${width}x${height}.png`) });
    if (await page.evaluate(() => document.activeElement?.closest('footer.actions') !== null)) return stops;
  }
  throw new Error(`${step}: the footer was not reached by Tab`);
}

describe('keyboard only', () => {
  it('runs an experiment to its results, then sorts, filters, compares and opens runs', async () => {
    problems = [];
    const page = await session.chromium.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(`${session.web.url}#/new`);
    await page.getByRole('checkbox', { name: 'Keep class 4' }).waitFor({ timeout: 60_000 });
    // Everything the app says in its live region, in order.
    await page.evaluate(() => {
      const region = document.querySelector('[data-testid=announcer]')!;
      const said: string[] = [];
      (window as unknown as { said: string[] }).said = said;
      new MutationObserver(() => {
        if (region.textContent) said.push(region.textContent);
      }).observe(region, { childList: true, characterData: true, subtree: true });
    });

    // The first Tab shows the skip link; Enter jumps to the step's heading.
    await press(page, 'Tab');
    expect(await active(page)).toBe('BUTTON Skip to content');
    await press(page, 'Enter');
    expect(await active(page)).toMatch(/^H1 1\. Source data/);

    // 1. Source data: cap at 20 per class; Enter in a field runs the step's action (Next).
    await tabTo(page, `(el) => el.id === 'source-cap'`, 'the cap field');
    await page.keyboard.type('20');
    await page.getByText('100 training samples will be used').waitFor();
    await press(page, 'Enter');
    await page.getByText('For 28×28×1 inputs and 5 classes.').waitFor({ timeout: 30_000 });
    expect(await active(page)).toMatch(/^H1 2\. Model/);

    // 2. Model: on to the primary action.
    await tabToText(page, 'Next');
    await press(page, 'Enter');
    expect(await active(page)).toMatch(/^H1 3\. Train the source model/);

    // 3. Train: 2 epochs of batches of 16; Enter on Start training keeps focus on the page.
    await tabTo(page, `(el) => el.id === 'source-hp-epochs'`, 'Epochs');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('2');
    await tabTo(page, `(el) => el.id === 'source-hp-batch'`, 'Batch size');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('16');
    await tabToText(page, 'Start training');
    await press(page, 'Enter');
    await page.getByText('Test accuracy').waitFor({ timeout: 120_000 });
    await settle(page);
    await expectFocusShown(page, 'the source training ended');
    expect(await active(page)).toMatch(/^H1 3\. Train the source model/);
    const said = () => page.evaluate(() => (window as unknown as { said: string[] }).said);
    const sourceSaid = await said();
    // Phases and the result, not every batch: 2 epochs of 5 batches would be 10+ updates.
    expect(sourceSaid, JSON.stringify(sourceSaid)).toContain('Source model: training');
    expect(sourceSaid).toContain('Source model: done');
    expect(sourceSaid.some((s) => /^Source model tested: \d/.test(s)), JSON.stringify(sourceSaid)).toBe(true);
    expect(sourceSaid.length).toBeLessThanOrEqual(5);
    // The live numbers are not a live region of their own.
    expect(await page.locator('dl.stats[aria-live]').count()).toBe(0);

    await tabToText(page, 'Next');
    await press(page, 'Enter');
    expect(await active(page)).toMatch(/^H1 4\. Target data/);

    // 4. Target data: switching the dataset away and back never flashes a class warning.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { alerts: string[] }).alerts = seen;
      new MutationObserver(() => {
        for (const a of Array.from(document.querySelectorAll('[role=alert]'))) seen.push(a.textContent ?? '');
      }).observe(document.body, { childList: true, subtree: true, characterData: true });
    });
    await page.getByRole('checkbox', { name: 'Keep class 9' }).waitFor({ timeout: 60_000 });
    // Twice: the second time Shapes' preview is cached and shows at once, when digits 5–9
    // (kept) would leave one of its six classes for a moment.
    for (let round = 0; round < 2; round++) {
      await tabTo(page, `(el) => el.id === 'target-name'`, 'the dataset list', { back: round > 0 });
      await press(page, 'ArrowDown');
      await page.getByRole('checkbox', { name: 'Keep class circle' }).waitFor({ timeout: 60_000 });
      await press(page, 'ArrowUp');
      await page.getByRole('checkbox', { name: 'Keep class 9' }).waitFor({ timeout: 60_000 });
      await tabToText(page, '5–9');
      await press(page, 'Enter');
    }
    expect(await page.evaluate(() => (window as unknown as { alerts: string[] }).alerts)).toEqual([]);
    await page.getByText('100 training samples will be used').waitFor();
    await tabToText(page, 'Next');
    await press(page, 'Enter');
    expect(await active(page)).toMatch(/^H1 5\. Transfer settings/);

    // 5. Transfer: freeze conv1 with Space, 2 epochs; every tab stop uncovered at 640×400.
    await page.getByRole('checkbox', { name: 'Freeze conv1' }).waitFor({ timeout: 30_000 });
    await tabTo(page, `(el) => el.getAttribute('aria-label') === 'Freeze conv1'`, 'Freeze conv1');
    await press(page, 'Space');
    await page.locator('.counts', { hasText: '320 frozen' }).waitFor();
    await everyStopUncovered(page, 'Transfer');
    await page.setViewportSize({ width: 640, height: 400 });
    const transferStops = await everyStopUncovered(page, 'Transfer');
    await page.setViewportSize({ width: 1280, height: 800 });
    // Back up from the footer (Tab past the last control would leave the page).
    await tabTo(page, `(el) => el.id === 'target-hp-epochs'`, 'Epochs', { back: true });
    await page.keyboard.press('Control+A');
    await page.keyboard.type('2');
    await tabTo(page, `(el) => el.id === 'target-hp-batch'`, 'Batch size');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('16');
    await press(page, 'Enter');
    expect(await active(page)).toMatch(/^H1 6\. Fine-tune/);

    // 6. Fine-tune: Enter on Start fine-tuning; focus stays on the page until it ends.
    await tabToText(page, 'Start fine-tuning');
    await press(page, 'Enter');
    await page.locator('footer.actions button[type=submit]:not([disabled])', { hasText: 'See results' }).waitFor({ timeout: 180_000 });
    await settle(page);
    await expectFocusShown(page, 'fine-tuning ended');
    const fineSaid = (await said()).slice(sourceSaid.length);
    expect(fineSaid).toContain('Fine-tuning: training');
    expect(fineSaid).toContain('Baseline from scratch: training');
    expect(fineSaid).toContain('Fine-tuning: done');
    expect(fineSaid.length).toBeLessThanOrEqual(6);
    await tabToText(page, 'See results');
    await press(page, 'Enter');
    expect(await active(page)).toMatch(/^H1 7\. Results/);

    // 7. Results: the confusion matrix is one tab stop; arrows move, Enter opens a cell.
    await page.locator('table.confusion[role=grid]').waitFor({ timeout: 30_000 });
    await tabTo(page, `(el) => el.closest('table.confusion') !== null`, 'the confusion matrix');
    expect(await active(page)).toMatch(/^BUTTON actual 5, predicted 5: /);
    await press(page, 'ArrowRight');
    expect(await active(page)).toMatch(/^BUTTON actual 5, predicted 6: /);
    await press(page, 'ArrowDown');
    expect(await active(page)).toMatch(/^BUTTON actual 6, predicted 6: /);
    await press(page, 'Control+End');
    expect(await active(page)).toMatch(/^BUTTON actual 9, predicted 9: /);
    await press(page, 'Home');
    expect(await active(page)).toMatch(/^BUTTON actual 9, predicted 5: /);
    await press(page, 'Enter');
    await page.locator('.cell-images h3', { hasText: 'Actual 9, predicted 5' }).waitFor();
    // What the cell holds is said once: its images, or why there are none.
    await expect.poll(async () => (await said()).at(-1)).toMatch(/images? of this mistake|No 9 was mistaken|were not kept/);
    expect(await page.locator('table.confusion button[tabindex="0"]').count()).toBe(1);
    await press(page, 'Tab');
    expect(await page.evaluate(() => document.activeElement?.closest('table.confusion') === null)).toBe(true);
    await everyStopUncovered(page, 'Results');
    await page.setViewportSize({ width: 640, height: 400 });
    const resultStops = await everyStopUncovered(page, 'Results');
    await page.setViewportSize({ width: 1280, height: 800 });
    // 25 cells were 25 tab stops; now the matrix is one.
    expect(resultStops).toBeLessThan(40);
    expect(transferStops).toBeGreaterThan(5);

    // Runs, from the rail: its heading takes focus.
    await tabTo(page, `(el) => el.matches('nav[aria-label=Main] a') && el.textContent.trim() === 'Runs'`, 'the Runs link', { back: true, max: 150 });
    await press(page, 'Enter');
    await page.getByText('1–3 of 3').waitFor({ timeout: 30_000 });
    await settle(page);
    expect(await active(page)).toBe('H1 Runs');

    // Sort by test accuracy: focus stays on the header button.
    await tabTo(page, `(el) => el.classList.contains('sort') && el.textContent.includes('Test acc.')`, 'the Test acc. header');
    await press(page, 'Enter');
    await expect.poll(() => page.locator('th[aria-sort="descending"]').textContent()).toContain('Test acc.');
    expect(await active(page)).toMatch(/^BUTTON Test acc\./);

    // Filter by role (type-ahead in the select), then clear the filters: focus is kept.
    await tabTo(page, `(el) => el.tagName === 'SELECT' && el.closest('label')?.textContent.includes('Role')`, 'the Role filter', { back: true });
    await page.keyboard.type('source');
    await page.getByText('1–1 of 1').waitFor();
    await tabToText(page, 'Clear filters');
    await press(page, 'Enter');
    await page.getByText('1–3 of 3').waitFor();
    await settle(page);
    await expectFocusShown(page, 'Clear filters');

    // Select the source and the target run with Space; Enter on a selected row compares.
    const rows = await page.locator('tbody tr[data-run-id]').evaluateAll((trs) => trs.map((tr) => tr.querySelector('input')?.getAttribute('aria-label') ?? ''));
    const sourceBox = rows.find((l) => l.endsWith(' source'))!;
    const targetBox = rows.find((l) => l.endsWith(' target'))!;
    const [first, second] = rows.indexOf(sourceBox) < rows.indexOf(targetBox) ? [sourceBox, targetBox] : [targetBox, sourceBox];
    await tabTo(page, `(el) => el.getAttribute('aria-label') === ${JSON.stringify(first)}`, first);
    await press(page, 'Space');
    await tabTo(page, `(el) => el.getAttribute('aria-label') === ${JSON.stringify(second)}`, second);
    await press(page, 'Space');
    await page.getByText('2 runs selected').waitFor();
    await press(page, 'Enter');
    await page.getByRole('heading', { name: 'Confusion matrices' }).waitFor({ timeout: 30_000 });
    await settle(page);
    expect(await active(page)).toBe('H1 Compare runs');

    // Open a compared run from its chip: the run's heading takes focus.
    await tabTo(page, `(el) => el.matches('.chips a[href^="#/runs/"]')`, 'a compared run');
    await press(page, 'Enter');
    await page.getByRole('heading', { name: 'Training curves' }).waitFor({ timeout: 30_000 });
    await settle(page);
    expect(await active(page)).toMatch(/^H1 /);

    expect(problems).toEqual([]);
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
