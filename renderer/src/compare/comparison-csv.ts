// The comparison as CSV (RFC 4180): one row per run with its identity, its metrics and
// every parameter, so a spreadsheet can sort and chart it. Built in the renderer from the
// 'runs.compare' answer; the core's runs CSV is the list, this is the side-by-side.
import type { Comparison } from '@contract';
import { csvField } from '@contract/csv';
import { METRICS, parameterText } from './comparison-metrics';

export { csvField };

/** The identity columns every row starts with; a parameter of the same name is not repeated. */
const IDENTITY = ['run_id', 'name', 'experiment', 'role', 'status'];

export function comparisonToCsv(comparison: Comparison): string {
  const parameters = comparison.parameters.map((p, index) => ({ ...p, index })).filter((p) => !IDENTITY.includes(p.key));
  const header = [...IDENTITY, ...METRICS.map((m) => m.key), ...parameters.map((p) => p.key)];
  const lines = [header.map(csvField).join(',')];
  comparison.runs.forEach((detail, i) => {
    const { run } = detail;
    const fields: (string | number | null)[] = [
      run.id,
      run.name ?? '',
      run.experimentName,
      run.role,
      run.status,
      // Raw numbers (fractions, milliseconds), not display text, so spreadsheets can compute.
      ...METRICS.map((m) => m.value(detail)),
      ...parameters.map((p) => parameterText(p.values[i] ?? '')),
    ];
    lines.push(fields.map(csvField).join(','));
  });
  // A UTF-8 byte-order mark first: Excel reads a CSV without one in the locale's code page
  // and garbles non-ASCII run and experiment names.
  return '\ufeff' + lines.join('\r\n') + '\r\n';
}

export function comparisonFileName(runIds: readonly string[], now = new Date()): string {
  return `transfer-lab-comparison-${now.toISOString().slice(0, 10)}-${runIds.length}-runs.csv`;
}
