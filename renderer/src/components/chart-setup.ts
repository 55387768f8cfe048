// Registers with Chart.js only the pieces a line chart with a legend, tooltips and linear
// axes needs. They are picked from `registerables` by id rather than imported by name so
// the module also works against the DOM tests' Chart.js stub (tests/dom/setup.ts), which
// exports only `Chart` and an empty `registerables`.
import { Chart, registerables } from 'chart.js';

const NEEDED = new Set(['line', 'point', 'linear', 'legend', 'tooltip', 'title']);
let registered = false;

export function registerLineChart(): typeof Chart {
  if (registered) return Chart;
  for (const group of registerables) {
    for (const item of Array.isArray(group) ? group : Object.values(group)) {
      const id = (item as { id?: string }).id;
      if (id && NEEDED.has(id)) Chart.register(item as Parameters<typeof Chart.register>[0]);
    }
  }
  registered = true;
  return Chart;
}

/** A CSS custom property of the page's root (the theme), or `fallback` when it is unset. */
export function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

/**
 * Canvas text cannot use CSS variables: copies the theme's muted text and grid colours into
 * a chart's options (call again whenever the theme changes, then `chart.update()`).
 */
export function applyChartTheme(chart: { options: { color?: unknown; scales?: object; plugins?: { title?: { color?: unknown }; legend?: { labels?: { color?: unknown } } } } }): void {
  const muted = cssVar('--muted', '#6b6b70');
  const grid = cssVar('--border', 'rgba(127,127,127,0.25)');
  const o = chart.options;
  o.color = muted;
  for (const scale of Object.values(o.scales ?? {})) {
    const s = scale as { title?: { color?: string }; ticks?: { color?: string }; grid?: { color?: string } };
    if (s.title) s.title.color = muted;
    if (s.ticks) s.ticks.color = muted;
    if (s.grid) s.grid.color = grid;
  }
  if (o.plugins?.title) o.plugins.title.color = muted;
  if (o.plugins?.legend?.labels) o.plugins.legend.labels.color = muted;
}
