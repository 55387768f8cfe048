// A run as a self-contained JSON bundle — its spec, settings, environment, curves and
// evaluations — that another Transfer Lab imports as a finished run of its own. Model files
// do not travel in the bundle (export the model for that); paths and process ids are
// dropped because they mean nothing on another machine.
import { z } from 'zod';
import type { Store, Run } from '../store';
import { RequestError } from './request-error';

const BUNDLE_FORMAT = 'transfer-lab-run';
const BUNDLE_VERSION = 1;

const finiteOrNull = z.number().finite().nullable();
/** Times the app can show: from 1970 to the year 9999 (beyond that, Date cannot print them). */
const MAX_TIME_MS = Date.UTC(9999, 11, 31);
const time = z.number().int().min(0).max(MAX_TIME_MS);
const fraction = z.number().min(0).max(1);
const count = z.number().int().min(0).max(1e12);
const label = z.string().max(500);

/** The environment fields the app shows; anything else is kept as it came. */
const environmentSchema = z
  .object({
    backend: z.string().max(100).optional(),
    tfjsVersion: z.string().max(100).optional(),
    appVersion: z.string().max(100).optional(),
    os: z.string().max(200).optional(),
    arch: z.string().max(100).optional(),
    cpu: z.string().max(500).optional(),
    cpuCount: z.number().int().min(0).max(1e6).optional(),
    memoryBytes: z.number().min(0).max(2 ** 60).optional(),
    gpu: z.string().max(500).optional(),
    nodeVersion: z.string().max(100).optional(),
    notes: z.array(z.string().max(10_000)).max(1000).optional(),
    warnings: z.array(z.string().max(10_000)).max(1000).optional(),
  })
  .catchall(z.unknown());

/** What an imported bundle must hold; everything else in it is ignored. */
const bundleSchema = z.object({
  format: z.literal(BUNDLE_FORMAT),
  version: z.literal(BUNDLE_VERSION),
  run: z.object({
    id: z.string().max(64),
    experimentName: z.string().min(1).max(200),
    role: z.enum(['source', 'target', 'baseline']),
    name: z.string().max(200).nullable(),
    status: z.enum(['completed', 'failed', 'cancelled', 'interrupted']),
    createdAt: time,
    startedAt: time.nullable(),
    endedAt: time.nullable(),
    error: z.string().max(10_000).nullable(),
    hyperparams: z.record(z.string(), z.unknown()),
    frozenLayers: z.array(z.string().max(200)).max(10_000),
    environment: environmentSchema.nullable(),
    dataset: z.unknown(),
    datasetName: z.string().max(500).nullable(),
    architecture: z.string().max(200).nullable(),
    notes: z.string().max(20_000),
    tags: z.array(z.string().min(1).max(64)).max(100),
  }),
  experimentSpec: z.unknown(),
  metrics: z.array(z.object({
    name: z.string().min(1).max(100),
    epoch: z.array(z.number().int().min(0).max(1e6)),
    step: z.array(count.nullable()),
    value: z.array(finiteOrNull),
    wallMs: z.array(time),
  })).max(100),
  evaluations: z.array(z.object({
    split: z.string().min(1).max(50),
    accuracy: fraction,
    loss: finiteOrNull,
    perClass: z.array(z.object({ className: label, precision: fraction, recall: fraction, f1: fraction, support: count })).max(10_000),
    confusion: z.object({ labels: z.array(label).max(10_000), matrix: z.array(z.array(count)).max(10_000) }),
    misclassified: z.array(z.object({ id: label, actual: count, predicted: count, confidence: fraction.optional() })).max(100_000),
  })).max(10),
});

export function exportRunBundle(store: Store, runId: string) {
  const run = store.runs.require(runId);
  const { runDir: _runDir, ownerPid: _ownerPid, ...portable } = run;
  const bundle = {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    exportedAt: new Date().toISOString(),
    run: portable,
    experimentSpec: store.experiments.get(run.experimentId)?.spec ?? null,
    metrics: store.metrics.curves(runId),
    evaluations: store.evaluations.list(runId),
  };
  return { bundle, fileName: `transfer-lab-run-${runId}.json` };
}

/**
 * Records a bundle as a new finished run in a new experiment, tagged 'imported'. Its
 * lineage is not kept: the run it came from is not in this store.
 */
export function importRunBundle(store: Store, input: unknown): Run {
  const parsed = bundleSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
    throw new RequestError(`not a Transfer Lab run bundle: ${where || '(bundle)'}: ${issue.message}`);
  }
  const { run, experimentSpec, metrics, evaluations } = parsed.data;
  for (const series of metrics) {
    const n = series.epoch.length;
    if (series.step.length !== n || series.value.length !== n || series.wallMs.length !== n) {
      throw new RequestError(`not a Transfer Lab run bundle: metric "${series.name}" has series of different lengths`);
    }
  }
  if (run.startedAt !== null && run.endedAt !== null && run.endedAt < run.startedAt) {
    throw new RequestError('not a Transfer Lab run bundle: run.endedAt: expected a time after run.startedAt');
  }
  return store.transaction(() => {
    const experiment = store.experiments.create({ name: run.experimentName, spec: experimentSpec ?? {} });
    const created = store.runs.create({
      experimentId: experiment.id,
      role: run.role,
      name: run.name,
      hyperparams: run.hyperparams,
      frozenLayers: run.frozenLayers,
      environment: run.environment ? { ...run.environment, backend: run.environment.backend ?? 'unknown', importedFrom: run.id } : null,
      dataset: run.dataset,
      datasetName: run.datasetName,
      architecture: run.architecture,
      notes: run.notes,
      ownerPid: null,
      runDir: null,
    });
    store.runs.setStatus(created.id, 'running');
    store.runs.setStatus(created.id, run.status, run.error);
    store.runs.restoreTimes(created.id, { createdAt: run.createdAt, startedAt: run.startedAt, endedAt: run.endedAt ?? run.createdAt });
    store.metrics.appendMetrics(metrics.flatMap((series) =>
      series.epoch.map((epoch, i) => ({
        runId: created.id,
        epoch,
        step: series.step[i],
        name: series.name,
        value: series.value[i] ?? Number.NaN,
        wallMs: series.wallMs[i],
      }))));
    for (const e of evaluations) {
      store.evaluations.save({ runId: created.id, split: e.split, accuracy: e.accuracy, loss: e.loss, perClass: e.perClass, confusion: e.confusion, misclassified: e.misclassified });
    }
    for (const tag of [...run.tags, 'imported']) store.tags.add(created.id, tag);
    return store.runs.require(created.id);
  });
}
