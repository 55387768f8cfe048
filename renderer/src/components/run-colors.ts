// One colour per run, the same on every page (wizard, run page, compare): the colour is a
// pure function of the run id, so no page has to agree with another about assignments.
// The baseline is drawn grey by the charts themselves (UI.md), not from this palette.

/** Distinguishable on light and dark backgrounds; no grey (reserved for baselines). */
export const RUN_PALETTE = ['#2f6fde', '#e4572e', '#17a398', '#9b5de5', '#f2a541', '#d81b60', '#4caf50', '#00a6ed'] as const;

export const BASELINE_GREY = '#9e9e9e';

/** FNV-1a of the id, so similar ids (sequential ones) still spread over the palette. */
function hashId(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function runColor(runId: string): string {
  return RUN_PALETTE[hashId(runId) % RUN_PALETTE.length];
}

/**
 * Colours for runs shown together: each keeps its own colour (runColor) unless an earlier
 * run in the list already has it; then it takes the next palette colour no one uses, so two
 * runs on one chart never share a colour. With more runs than colours, colours repeat.
 */
export function distinctRunColors(runIds: readonly string[]): Map<string, string> {
  const colors = new Map<string, string>();
  const used = new Set<string>();
  for (const id of runIds) {
    let color = runColor(id);
    if (used.has(color)) {
      const start = RUN_PALETTE.indexOf(color as (typeof RUN_PALETTE)[number]);
      for (let k = 1; k < RUN_PALETTE.length; k++) {
        const next = RUN_PALETTE[(start + k) % RUN_PALETTE.length];
        if (!used.has(next)) {
          color = next;
          break;
        }
      }
    }
    colors.set(id, color);
    used.add(color);
  }
  return colors;
}
