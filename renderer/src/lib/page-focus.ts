// Where focus goes when a page opens: its <h1>, as the wizard does for each step, so keyboard
// and screen-reader users start at the top of the new page instead of on <body> (WCAG 2.4.3).
// Pages that load their data first (a run, a comparison) show the <h1> later: wait for it.

const WAIT_MS = 15_000;

function focusHeading(heading: HTMLElement): void {
  if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
  heading.focus();
}

/** Focuses the first <h1> inside `root` now or once it appears; returns a cancel function. */
export function focusPageHeading(root: HTMLElement): () => void {
  const now = root.querySelector('h1');
  if (now) {
    focusHeading(now);
    return () => undefined;
  }
  const observer = new MutationObserver(() => {
    const heading = root.querySelector('h1');
    if (!heading) return;
    stop();
    // Someone who already moved on (typed, tabbed) keeps their place.
    const active = document.activeElement;
    if (!active || active === document.body) focusHeading(heading);
  });
  const timer = setTimeout(() => stop(), WAIT_MS);
  function stop(): void {
    observer.disconnect();
    clearTimeout(timer);
  }
  observer.observe(root, { childList: true, subtree: true });
  return stop;
}

/**
 * When an action takes the focused control away (Start training disables itself, Cancel
 * disappears when training ends, Clear filters hides itself), focus would fall to <body>:
 * put it on the page's <h1> instead. Only then: a person who clicks on empty space keeps
 * focus where they put it. Returns a stop function.
 */
export function keepFocusInPage(root: HTMLElement): () => void {
  let last: Element | null = null;
  const onFocusIn = (event: FocusEvent) => {
    last = event.target instanceof Element && root.contains(event.target) ? event.target : null;
  };
  const gone = (el: Element) => !el.isConnected || (el as HTMLButtonElement).disabled === true;
  const check = () => {
    const active = document.activeElement;
    const lost = !active || active === document.body || (active === last && gone(active));
    if (!lost || !last || !gone(last)) return;
    last = null;
    const heading = root.querySelector('h1');
    if (heading) focusHeading(heading);
  };
  document.addEventListener('focusin', onFocusIn);
  const observer = new MutationObserver(check);
  observer.observe(root, { childList: true, subtree: true, attributes: true, attributeFilter: ['disabled'] });
  return () => {
    document.removeEventListener('focusin', onFocusIn);
    observer.disconnect();
  };
}
