// Overlaid curves of the compare page: one line per run for the chosen metric, each run in
// its own colour (the same everywhere unless two runs shown together would share one,
// run-colors.ts), the baseline grey, and optionally
// the validation twin of the metric dashed in the same colour.
import type { RunDetail, RunInfo } from '@contract';
import type { ChartSeries } from '../components/metric-series';
import { BASELINE_GREY, distinctRunColors } from '../components/run-colors';
import { shortId } from '../lib/format';
import { curvePoints, isValidationMetric, type CurveAxis } from '../lib/run-curves';

/** How a run is named in legends and table headers: "name or experiment · role · id". */
export function runLabel(run: Pick<RunInfo, 'id' | 'name' | 'experimentName' | 'role'>): string {
  return `${run.name ?? run.experimentName} · ${run.role} · ${shortId(run.id)}`;
}

/**
 * Grey marks "the baseline" only while there is one baseline to point at; with several
 * baselines in one comparison each keeps its own colour so they can be told apart.
 */
export function greyBaselines(runs: readonly RunDetail[]): boolean {
  return runs.filter((r) => r.run.role === 'baseline').length === 1;
}

/** A run's swatch colour on the compare page: the colour its curves are drawn in. */
export function comparedRunColor(runs: readonly RunDetail[], run: Pick<RunInfo, 'id' | 'role'>): string {
  if (greyBaselines(runs) && run.role === 'baseline') return BASELINE_GREY;
  return distinctRunColors(runs.map((r) => r.run.id)).get(run.id) ?? BASELINE_GREY;
}

export function comparisonSeries(runs: readonly RunDetail[], metric: string, axis: CurveAxis, withValidation: boolean): ChartSeries[] {
  const grey = greyBaselines(runs);
  const twin = !isValidationMetric(metric) && withValidation && axis !== 'step' ? `val_${metric}` : null;
  const colors = distinctRunColors(runs.map((r) => r.run.id));
  const series: ChartSeries[] = [];
  for (const detail of runs) {
    const { run } = detail;
    const base = { color: colors.get(run.id), grey: grey && run.role === 'baseline' };
    const curve = (name: string) => detail.curves.find((c) => c.name === name);
    series.push({ ...base, label: runLabel(run), points: curvePoints(curve(metric), axis, run.startedAt) });
    if (twin && curve(twin)) {
      series.push({ ...base, label: `${runLabel(run)} (validation)`, dashed: true, points: curvePoints(curve(twin), axis, run.startedAt) });
    }
  }
  return series;
}
