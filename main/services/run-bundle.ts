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
    createdAt: z.number().int().nonnegative(),
    startedAt: z.number().int().nonnegative().nullable(),
    endedAt: z.number().int().nonnegative().nullable(),
    error: z.string().max(10_000).nullable(),
    hyperparams: z.record(z.string(), z.unknown()),
    frozenLayers: z.array(z.string().max(200)).max(10_000),
    environment: z.record(z.string(), z.unknown()).nullable(),
    dataset: z.unknown(),
    datasetName: z.string().max(500).nullable(),
    architecture: z.string().max(200).nullable(),
    notes: z.string().max(20_000),
    tags: z.array(z.string().min(1).max(64)).max(100),
  }),
  experimentSpec: z.unknown(),
  metrics: z.array(z.object({
    name: z.string().min(1).max(100),
    epoch: z.array(z.number().int().nonnegative()),
    step: z.array(z.number().int().nonnegative().nullable()),
    value: z.array(finiteOrNull),
    wallMs: z.array(z.number()),
  })).max(100),
  evaluations: z.array(z.object({
    split: z.string().min(1).max(50),
    accuracy: z.number().min(0).max(1),
    loss: finiteOrNull,
    perClass: z.array(z.object({ className: z.string(), precision: z.number(), recall: z.number(), f1: z.number(), support: z.number() })),
    confusion: z.object({ labels: z.array(z.string()), matrix: z.array(z.array(z.number())) }),
    misclassified: z.array(z.object({ id: z.string(), actual: z.number(), predicted: z.number(), confidence: z.number().optional() })),
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
    throw new RequestError(`not a Transfer Lab run bundle: ${issue.path.join('.') || '(bundle)'}: ${issue.message}`);
  }
  const { run, experimentSpec, metrics, evaluations } = parsed.data;
  for (const series of metrics) {
    const n = series.epoch.length;
    if (series.step.length !== n || series.value.length !== n || series.wallMs.length !== n) {
      throw new RequestError(`not a Transfer Lab run bundle: metric "${series.name}" has series of different lengths`);
    }
  }
  return store.transaction(() => {
    const experiment = store.experiments.create({ name: run.experimentName, spec: experimentSpec ?? {} });
    const created = store.runs.create({
      experimentId: experiment.id,
      role: run.role,
      name: run.name,
      hyperparams: run.hyperparams,
      frozenLayers: run.frozenLayers,
      environment: run.environment ? { ...run.environment, backend: String(run.environment.backend ?? 'unknown'), importedFrom: run.id } : null,
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
