// The chart keeps each series' own colours when series appear or move (a validation curve
// arriving before the baseline's), and its x-axis title follows the chosen axis.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from '@testing-library/svelte';
import { Chart } from 'chart.js';
import MetricChart from '../../../renderer/src/components/MetricChart.svelte';
import { BASELINE_GREY } from '../../../renderer/src/components/run-colors';

afterEach(cleanup);

interface DrawnChart {
  data: { datasets: { label: string; borderColor: string }[] };
  options: { scales: { x: { title: { text: string } } } };
}

function lastChart(): DrawnChart {
  const made = (Chart as unknown as { made: DrawnChart[] }).made;
  return made[made.length - 1];
}

const train = { label: 'fine-tuned (per epoch)', color: '#17a398', points: [{ x: 1, y: 0.5 }] };
const baseline = { label: 'baseline (per epoch)', grey: true, points: [{ x: 1, y: 0.4 }] };
const validation = { label: 'fine-tuned validation', color: '#17a398', dashed: true, points: [{ x: 1, y: 0.45 }] };

describe('MetricChart', () => {
  it('gives a series that takes another one\'s place a dataset of its own', async () => {
    const { rerender } = render(MetricChart, { props: { series: [train, baseline], xLabel: 'epoch', yLabel: 'accuracy' } });
    const chart = lastChart();
    const greyDataset = chart.data.datasets[1];
    await rerender({ series: [train, validation, baseline], xLabel: 'epoch', yLabel: 'accuracy' });
    expect(chart.data.datasets.map((d) => [d.label, d.borderColor])).toEqual([
      ['fine-tuned (per epoch)', '#17a398'],
      ['fine-tuned validation', '#17a398'],
      ['baseline (per epoch)', BASELINE_GREY],
    ]);
    // Not the baseline's old dataset recoloured: Chart.js keeps a dataset's cached point styles.
    expect(chart.data.datasets[1]).not.toBe(greyDataset);
  });

  it('retitles the x axis when the axis changes', async () => {
    const { rerender } = render(MetricChart, { props: { series: [train], xLabel: 'epoch', yLabel: 'loss' } });
    const chart = lastChart();
    expect(chart.options.scales.x.title.text).toBe('epoch');
    await rerender({ series: [train], xLabel: 'time (s)', yLabel: 'loss' });
    expect(chart.options.scales.x.title.text).toBe('time (s)');
  });
});
