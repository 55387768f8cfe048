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
