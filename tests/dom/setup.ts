// DOM-emulation setup. Chart.js needs a canvas context happy-dom does not provide, so it
// is stubbed here (and only here: e2e tests run the real Chart.js in Chromium).
import { vi } from 'vitest';

vi.mock('chart.js', () => {
  class Chart {
    static register(): void {}
    /** The charts made so far, newest last, for tests that look at what a component drew. */
    static made: Chart[] = [];
    data: unknown;
    options: unknown;
    constructor(_canvas: unknown, config: { data: unknown; options?: unknown }) {
      this.data = config.data;
      this.options = config.options;
      Chart.made.push(this);
    }
    update(): void {}
    destroy(): void {}
  }
  return { Chart, registerables: [] };
});
