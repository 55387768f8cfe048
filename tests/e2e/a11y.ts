// Accessibility checks for e2e tests: axe-core (WCAG 2.x A and AA rules) in light and dark,
// reflow (no sideways page scroll at 320 px wide and at 200 % zoom), and where focus is.
//
// How axe gets into the page: the app's Content-Security-Policy allows scripts from 'self'
// only, so axe's source cannot be added as an inline <script>. Rather than a CSP-bypassing
// browser context (which would test a page weaker than the one users get), the test serves
// axe's file at a same-origin URL through a Playwright route and adds it as an external
// script: the page keeps its real CSP, and the check runs against exactly what ships.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE_URL_PATH = '/__a11y-test__/axe.min.js';
const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The WCAG 2.0, 2.1 and 2.2 level A and AA rule tags axe knows. */
export const WCAG_AA_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

/** Serves axe's file to this page at a same-origin path (call before the first goto). */
export async function serveAxe(page: Page): Promise<void> {
  await page.route(`**${AXE_URL_PATH}`, (route) => route.fulfill({ status: 200, contentType: 'text/javascript', body: axeSource }));
}

async function ensureAxe(page: Page): Promise<void> {
  const loaded = await page.evaluate(() => 'axe' in window);
  if (!loaded) await page.addScriptTag({ url: AXE_URL_PATH });
}

/** Lets a theme or size change settle: two animation frames (Svelte, Chart.js redraw). */
export async function settle(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
}

/** axe's WCAG A/AA violations on the page as it is now, one line each (rule, element, summary). */
export async function axeViolations(page: Page): Promise<string[]> {
  await ensureAxe(page);
  return page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: { id: string; help: string; nodes: { target: unknown[]; failureSummary?: string }[] }[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return result.violations.flatMap((v) =>
      v.nodes.map((n) => `${v.id} (${v.help}) at ${JSON.stringify(n.target)}: ${(n.failureSummary ?? '').replace(/\s+/g, ' ').slice(0, 300)}`),
    );
  }, WCAG_AA_TAGS);
}

/** axe in the light and the dark theme; each violation is prefixed with the view and theme. */
export async function axeInBothThemes(page: Page, view: string): Promise<string[]> {
  const found: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await settle(page);
    for (const v of await axeViolations(page)) found.push(`${view} [${colorScheme}] ${v}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return found;
}

export const REFLOW_SIZES = [
  { width: 320, height: 640, name: '320×640' },
  // 1280×800 at 200 % zoom.
  { width: 640, height: 400, name: '640×400' },
] as const;

/** How far the page scrolls sideways, and the widest elements sticking out (to say why). */
export async function sidewaysScroll(page: Page): Promise<{ overflow: number; culprits: string[] }> {
  return page.evaluate(() => {
    const root = document.scrollingElement ?? document.documentElement;
    const overflow = root.scrollWidth - root.clientWidth;
    const culprits: string[] = [];
    if (overflow > 0) {
      const limit = root.clientWidth;
      // Content of a box that scrolls or clips by itself does not widen the page.
      const clipped = (el: Element) => {
        for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
          if (getComputedStyle(a).overflowX !== 'visible') return true;
        }
        return false;
      };
      for (const el of Array.from(document.body.querySelectorAll('*'))) {
        const r = el.getBoundingClientRect();
        if (r.right > limit + 1 && r.width > 0 && !clipped(el)) {
          // Only the outermost element that sticks out, not all its children.
          const parent = el.parentElement;
          if (parent && parent.getBoundingClientRect().right > limit + 1) continue;
          culprits.push(`${el.tagName.toLowerCase()}.${Array.from(el.classList).join('.')} right=${Math.round(r.right)}`);
        }
      }
    }
    return { overflow, culprits: culprits.slice(0, 5) };
  });
}

/** Reflow at 320×640 and 640×400; restores the viewport. One problem line per size that fails. */
export async function reflowProblems(page: Page, view: string): Promise<string[]> {
  const original = page.viewportSize();
  const found: string[] = [];
  for (const size of REFLOW_SIZES) {
    await page.setViewportSize({ width: size.width, height: size.height });
    await settle(page);
    const { overflow, culprits } = await sidewaysScroll(page);
    if (overflow > 0) found.push(`${view} at ${size.name}: the page scrolls ${overflow} px sideways (${culprits.join('; ')})`);
  }
  if (original) await page.setViewportSize(original);
  await settle(page);
  return found;
}

export interface FocusInfo {
  /** e.g. 'BUTTON "Start training"' */
  description: string;
  onBody: boolean;
  /** Inside the viewport, with a size. */
  visible: boolean;
  /** At its centre and its four corners the element is itself on top: nothing sticky covers any part of it. */
  unobscured: boolean;
  /** It draws a focus indicator: an outline or a box shadow (WCAG 2.4.7). */
  indicated: boolean;
}

/** Where focus is, and whether a sighted keyboard user can see it (WCAG 2.4.7, 2.4.11). */
export async function focusInfo(page: Page): Promise<FocusInfo> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body || el === document.documentElement) {
      return { description: 'BODY', onBody: true, visible: false, unobscured: false, indicated: false };
    }
    const name = (el.getAttribute('aria-label') ?? el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 60);
    const description = `${el.tagName}${el.id ? `#${el.id}` : ''} "${name}"`;
    // Visually hidden inputs (1×1 px, as in a styled radio group) show focus on their label.
    const shown = el.getBoundingClientRect().width <= 1 && el.closest('label') ? el.closest('label')! : el;
    const r = shown.getBoundingClientRect();
    const visible = r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < window.innerHeight && r.left < window.innerWidth;
    const inset = Math.min(2, r.width / 4, r.height / 4);
    const points = [
      [r.left + r.width / 2, r.top + r.height / 2],
      [r.left + inset, r.top + inset],
      [r.right - inset, r.top + inset],
      [r.left + inset, r.bottom - inset],
      [r.right - inset, r.bottom - inset],
    ];
    const onTop = ([x, y]: number[]) => {
      // A point outside the window counts as hidden (scrolled off, not covered).
      if (x < 0 || y < 0 || x >= window.innerWidth || y >= window.innerHeight) return false;
      const hit = document.elementFromPoint(x, y);
      return hit !== null && (shown.contains(hit) || hit.contains(shown) || (el as HTMLInputElement).labels?.[0]?.contains(hit) === true);
    };
    const covered = points.filter((p) => !onTop(p));
    const unobscured = visible && covered.length === 0;
    const coverer = covered.length > 0 ? document.elementFromPoint(covered[0][0], covered[0][1]) : null;
    const why = coverer ? ` under ${coverer.tagName.toLowerCase()}.${Array.from(coverer.classList).join('.')} at ${covered[0].map(Math.round).join(',')}` : covered.length > 0 ? ` off screen at ${covered[0].map(Math.round).join(',')}` : '';
    const drawn = (e: Element) => {
      const style = getComputedStyle(e);
      return (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
    };
    const indicated = drawn(el) || (shown !== el && drawn(shown));
    return { description: description + why, onBody: false, visible, unobscured, indicated };
  });
}
