// Runs as the history view uses them: details, comparison, export, deletion.
import type { Store, RunListQuery, Run } from '../store';
import { runReport } from './experiment-report';
import { RequestError } from './request-error';
import { runsToCsv } from './runs-csv';
import { exportRunBundle, importRunBundle } from './run-bundle';

export class RunsService {
  constructor(private readonly store: Store) {}

  list(query: RunListQuery) {
    return this.store.runs.list(query);
  }

  /** What the list's filters can offer: every dataset and tag in use, with run counts. */
  facets() {
    return { datasets: this.store.runs.datasetCounts(), tags: this.store.tags.counts() };
  }

  /** Adds a tag to a run, or removes it; answers the run's tags. */
  tag(runId: string, tag: string, remove = false): string[] {
    return remove ? this.store.tags.remove(runId, tag) : this.store.tags.add(runId, tag);
  }

  setNotes(runId: string, notes: string): void {
    this.store.runs.update(runId, { notes });
  }

  rename(runId: string, name: string | null): void {
    this.store.runs.update(runId, { name });
  }

  /** One run in full; `runIdOrPrefix` may be the unique start of an id, as people type them. */
  detail(runIdOrPrefix: string) {
    const runId = this.store.runs.resolveId(runIdOrPrefix);
    const run = this.store.runs.require(runId);
    const children = this.store.runs.list({ parentRunId: runId, limit: 1000, sort: 'createdAt', order: 'asc' }).rows;
    return {
      run,
      report: runReport(this.store, run),
      curves: this.store.metrics.curves(runId),
      artifacts: this.store.artifacts.list(runId).map((a) => ({ kind: a.kind, path: a.path, sizeBytes: a.sizeBytes, createdAt: a.createdAt })),
      children: children.map((c) => ({ id: c.id, role: c.role, status: c.status })),
      experimentSpec: this.store.experiments.get(run.experimentId)?.spec ?? null,
    };
  }

  compare(runIds: string[]) {
    const details = runIds.map((id) => this.detail(id));
    const keys = [...new Set(details.flatMap((d) => Object.keys(d.run.hyperparams)))].sort();
    const rows: { key: string; values: string[]; differs: boolean }[] = [];
    const add = (key: string, values: string[]) => rows.push({ key, values, differs: new Set(values).size > 1 });
    add('role', details.map((d) => d.run.role));
    add('architecture', details.map((d) => d.run.architecture ?? ''));
    add('dataset', details.map((d) => d.run.datasetName ?? ''));
    add('frozenLayers', details.map((d) => d.run.frozenLayers.join(', ')));
    add('backend', details.map((d) => String(d.run.environment?.backend ?? '')));
    for (const key of keys) add(key, details.map((d) => JSON.stringify(d.run.hyperparams[key] ?? null)));
    return { runs: details, parameters: rows };
  }

  exportCsv(query: RunListQuery) {
    const page = this.store.runs.list({ ...query, offset: 0, limit: query.limit ?? 10_000 });
    return { csv: runsToCsv(page.rows), fileName: `transfer-lab-runs-${new Date().toISOString().slice(0, 10)}.csv` };
  }

  exportBundle(runId: string) {
    return exportRunBundle(this.store, runId);
  }

  importBundle(bundle: unknown): Run {
    return importRunBundle(this.store, bundle);
  }

  deleteRun(runId: string): boolean {
    const run = this.store.runs.require(runId);
    if (run.status === 'running' || run.status === 'queued') {
      throw new RequestError(`run ${runId} is ${run.status}; cancel it before deleting it`);
    }
    return this.store.deleteRun(runId) !== null;
  }

  deleteExperiment(experimentId: string, running: string[]): boolean {
    if (running.includes(experimentId)) throw new RequestError(`experiment ${experimentId} is still running; cancel it first`);
    return this.store.deleteExperiment(experimentId);
  }
}
