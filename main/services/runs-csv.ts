// The runs list as CSV (RFC 4180), one row per run, the columns people compare.
import type { Run } from '../store';
import { csvField } from '@contract/csv';

const columns: { header: string; value: (r: Run) => unknown }[] = [
  { header: 'id', value: (r) => r.id },
  { header: 'experiment', value: (r) => r.experimentName },
  { header: 'name', value: (r) => r.name ?? '' },
  { header: 'role', value: (r) => r.role },
  { header: 'status', value: (r) => r.status },
  { header: 'created', value: (r) => isoTime(r.createdAt) },
  { header: 'duration_s', value: (r) => (r.startedAt && r.endedAt && Number.isFinite(r.endedAt - r.startedAt) ? ((r.endedAt - r.startedAt) / 1000).toFixed(1) : '') },
  { header: 'dataset', value: (r) => r.datasetName ?? '' },
  { header: 'architecture', value: (r) => r.architecture ?? '' },
  { header: 'frozen_layers', value: (r) => r.frozenLayers.join(' ') },
  { header: 'epochs', value: (r) => r.hyperparams.epochs ?? '' },
  { header: 'batch_size', value: (r) => r.hyperparams.batchSize ?? '' },
  { header: 'optimizer', value: (r) => r.hyperparams.optimizer ?? '' },
  { header: 'learning_rate', value: (r) => r.hyperparams.learningRate ?? '' },
  { header: 'test_accuracy', value: (r) => (r.testAccuracy === null ? '' : r.testAccuracy) },
  // The experiment's gain (target − baseline test accuracy), on the run it describes: the target.
  { header: 'transfer_gain', value: (r) => (r.role === 'target' && r.transferGain !== null ? r.transferGain : '') },
  { header: 'backend', value: (r) => r.environment?.backend ?? '' },
  { header: 'tags', value: (r) => r.tags.join(' ') },
  { header: 'parent_run', value: (r) => r.parentRunId ?? '' },
];

/** An ISO time, or empty for a stored value no calendar can show (one odd row must not fail the export). */
function isoTime(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}

export { csvField };

/** Starts the file: Excel reads a CSV without it as the locale's code page and garbles non-ASCII names. */
export const UTF8_BOM = '\ufeff';

export function runsToCsv(runs: Run[]): string {
  const lines = [columns.map((c) => c.header).join(',')];
  for (const run of runs) lines.push(columns.map((c) => csvField(c.value(run))).join(','));
  return UTF8_BOM + lines.join('\r\n') + '\r\n';
}
