// A Chart.js plugin that draws each point's 95 % interval: a vertical bar with caps
// (intervals: 'bars') or a translucent band along the line (intervals: 'band'), plus a dashed
// zero line when the y axis crosses 0 (the gain chart: above it transfer helped).
import type { Chart, Plugin } from 'chart.js';
import type { StudyPoint } from './study-series';

interface IntervalDataset {
  data: StudyPoint[];
  borderColor?: unknown;
  intervals?: 'bars' | 'band';
}

export const intervalPlugin: Plugin<'line'> = {
  id: 'studyIntervals',
  beforeDatasetsDraw(chart: Chart<'line'>) {
    const { ctx, scales } = chart;
    const x = scales.x;
    const y = scales.y;
    if (!x || !y) return;
    ctx.save();
    if (y.min < 0 && y.max > 0) {
      ctx.strokeStyle = 'rgba(127,127,127,0.7)';
      ctx.setLineDash([4, 4]);
      ctx.beginPath();
      ctx.moveTo(chart.chartArea.left, y.getPixelForValue(0));
      ctx.lineTo(chart.chartArea.right, y.getPixelForValue(0));
      ctx.stroke();
      ctx.setLineDash([]);
    }
    chart.data.datasets.forEach((raw, i) => {
      const ds = raw as unknown as IntervalDataset;
      if (!chart.isDatasetVisible(i)) return;
      const color = typeof ds.borderColor === 'string' ? ds.borderColor : '#888';
      const pts = ds.data.filter((p) => p.lo !== null && p.hi !== null);
      if (ds.intervals === 'band' && pts.length > 1) {
        ctx.fillStyle = color;
        ctx.globalAlpha = 0.15;
        ctx.beginPath();
        pts.forEach((p, k) => (k === 0 ? ctx.moveTo : ctx.lineTo).call(ctx, x.getPixelForValue(p.x), y.getPixelForValue(p.hi!)));
        [...pts].reverse().forEach((p) => ctx.lineTo(x.getPixelForValue(p.x), y.getPixelForValue(p.lo!)));
        ctx.closePath();
        ctx.fill();
        ctx.globalAlpha = 1;
      } else {
        ctx.strokeStyle = color;
        ctx.lineWidth = 1.5;
        for (const p of pts) {
          const px = x.getPixelForValue(p.x);
          const [top, bottom] = [y.getPixelForValue(p.hi!), y.getPixelForValue(p.lo!)];
          ctx.beginPath();
          ctx.moveTo(px, top);
          ctx.lineTo(px, bottom);
          ctx.moveTo(px - 5, top);
          ctx.lineTo(px + 5, top);
          ctx.moveTo(px - 5, bottom);
          ctx.lineTo(px + 5, bottom);
          ctx.stroke();
        }
      }
    });
    ctx.restore();
  },
};
