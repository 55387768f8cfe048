// What a training worker does with one job: train the source (or load it), transfer it to
// the target, train the from-scratch baseline, and report every step to the supervisor.
// Runs inside the worker process; it talks only through `report`.
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import { selectBackend, environmentInfo } from '../engine/backend';
import { loadDataset, conformDataset } from '../engine/datasets';
import type { Dataset } from '../engine/datasets/dataset';
import { buildModel, transferModel, reinitialisedCopy, resolveFrozenLayers, applyFreeze, saveModel, loadModel } from '../engine/models';
import { trainModel, splitValidation } from '../engine/train';
import { evaluateModel } from '../engine/evaluate';
import type { ExperimentSpec, TrainingSpec, DatasetSpec } from '../engine/spec';
import type { EnvironmentInfo, FromWorker, Job, PhasePlan } from './protocol';

export type Report = (message: FromWorker) => void;

interface PhaseContext {
  job: Job;
  report: Report;
  isCancelled: () => boolean;
  environment: EnvironmentInfo;
  backendNotes: string[];
}

interface PhaseOutcome {
  model: tf.LayersModel;
  cancelled: boolean;
}

/** Runs every phase of the job in order; stops after a phase that was cancelled. */
export async function runJob(job: Job, report: Report, isCancelled: () => boolean): Promise<void> {
  const backend = await selectBackend(job.spec.backend);
  const environment: EnvironmentInfo = {
    ...environmentInfo(),
    backend: backend.name,
    backendRequested: job.spec.backend,
    backendSkipped: backend.skipped,
    tfjsVersion: tf.version.tfjs,
    appVersion: job.appVersion,
  };
  const ctx: PhaseContext = { job, report, isCancelled, environment, backendNotes: backend.notes };
  const spec = job.spec;

  const phase = (role: PhasePlan['role']) => job.phases.find((p) => p.role === role);
  let sourceModel: tf.LayersModel;
  const sourcePhase = phase('source');
  if ('run' in spec.source) {
    if (!job.sourceModelDir) throw new Error(`source run ${spec.source.run} has no saved model`);
    sourceModel = await loadModel(job.sourceModelDir);
  } else {
    if (!sourcePhase) throw new Error('the job has no source phase');
    const outcome = await runSourcePhase(ctx, sourcePhase, spec);
    if (outcome.cancelled) return;
    sourceModel = outcome.model;
  }

  const targetPhase = phase('target');
  if (!spec.target || !targetPhase) return;
  const target = spec.target;
  const inputShape = sourceModel.inputs[0].shape.slice(1) as number[];
  const targetData = conformDataset(await loadDataset(target.dataset, { seed: spec.seed, dataFolder: job.dataFolder }), inputShape);

  const transferred = transferModel(sourceModel, { numClasses: targetData.classNames.length, head: target.head, seed: spec.seed });
  const frozen = resolveFrozenLayers(transferred, target.freeze);
  applyFreeze(transferred, frozen);
  const targetOutcome = await trainPhase(ctx, targetPhase, {
    model: transferred,
    data: targetData,
    datasetSpec: target.dataset,
    training: target.training,
    architecture: architectureOf(spec),
    frozenLayers: frozen,
    extraHyperparams: { freeze: target.freeze, head: target.head, regularization: target.regularization },
  });
  if (targetOutcome.cancelled) return;

  const baselinePhase = phase('baseline');
  if (!target.baseline || !baselinePhase) return;
  const arch = 'run' in spec.source || !('architecture' in spec.source.model) ? undefined : spec.source.model.architecture;
  const baseline = arch
    ? buildModel(arch, inputShape, targetData.classNames.length, spec.seed + 1)
    : reinitialisedCopy(transferred);
  await trainPhase(ctx, baselinePhase, {
    model: baseline,
    data: targetData,
    datasetSpec: target.dataset,
    training: target.training,
    architecture: architectureOf(spec),
    frozenLayers: [],
    extraHyperparams: { initialisation: 'random' },
  });
}

async function runSourcePhase(ctx: PhaseContext, plan: PhasePlan, spec: ExperimentSpec): Promise<PhaseOutcome> {
  if ('run' in spec.source) throw new Error('unreachable: source run has no source phase');
  const source = spec.source;
  const data = await loadDataset(source.dataset, { seed: spec.seed, dataFolder: ctx.job.dataFolder });
  let model: tf.LayersModel;
  if ('architecture' in source.model) {
    model = buildModel(source.model.architecture, data.inputShape, data.classNames.length, spec.seed);
  } else if ('import' in source.model) {
    model = await loadModel(source.model.import);
  } else {
    throw new Error(`pretrained model ${source.model.pretrained} is not available in this version`);
  }
  const conformed = conformDataset(data, model.inputs[0].shape.slice(1) as number[]);
  return trainPhase(ctx, plan, {
    model,
    data: conformed,
    datasetSpec: source.dataset,
    training: source.training,
    architecture: architectureOf(spec),
    frozenLayers: [],
    extraHyperparams: {},
  });
}

interface PhaseInput {
  model: tf.LayersModel;
  data: Dataset;
  datasetSpec: DatasetSpec;
  training: TrainingSpec;
  architecture: string;
  frozenLayers: string[];
  extraHyperparams: Record<string, unknown>;
}

async function trainPhase(ctx: PhaseContext, plan: PhasePlan, input: PhaseInput): Promise<PhaseOutcome> {
  const { report, job } = ctx;
  const { model, data, training } = input;
  const inputShape = data.inputShape;
  const numClasses = data.classNames.length;
  const seed = job.spec.seed;
  const { train, validation } = splitValidation(data.train, training.validationSplit, seed, inputShape);
  report({
    type: 'phase-started',
    runId: plan.runId,
    environment: ctx.environment,
    architecture: input.architecture,
    hyperparams: { ...training, seed, ...input.extraHyperparams },
    frozenLayers: input.frozenLayers,
    dataset: {
      description: data.description,
      classNames: data.classNames,
      inputShape,
      train: train.y.length,
      validation: validation?.y.length ?? 0,
      test: data.test.y.length,
    },
    notes: [...ctx.backendNotes],
    warnings: data.warnings,
  });

  const result = await trainModel(model, { train, validation }, training, {
    seed,
    inputShape,
    numClasses,
    callbacks: {
      onStep: (progress) => report({ type: 'step', runId: plan.runId, progress }),
      onEpoch: (metrics) => report({ type: 'epoch', runId: plan.runId, metrics }),
      shouldStop: ctx.isCancelled,
    },
  });
  if (result.cancelled) {
    report({ type: 'phase-finished', runId: plan.runId, status: 'cancelled' });
    return { model, cancelled: true };
  }

  const evaluation = await evaluateModel(model, data.test, inputShape, data.classNames, 'test');
  report({ type: 'evaluation', runId: plan.runId, evaluation });

  const modelDir = path.join(plan.runDir, 'model');
  await saveModel(model, modelDir);
  report({ type: 'artifact', runId: plan.runId, kind: 'model', path: modelDir, sizeBytes: folderSize(modelDir) });
  report({ type: 'phase-finished', runId: plan.runId, status: 'completed' });
  return { model, cancelled: false };
}

function architectureOf(spec: ExperimentSpec): string {
  if ('run' in spec.source) return 'from run ' + spec.source.run;
  const m = spec.source.model;
  if ('architecture' in m) return m.architecture;
  if ('import' in m) return 'imported';
  return m.pretrained;
}

function folderSize(dir: string): number {
  let total = 0;
  for (const f of fs.readdirSync(dir)) total += fs.statSync(path.join(dir, f)).size;
  return total;
}
