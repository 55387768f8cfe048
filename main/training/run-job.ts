// What a training worker does with one job: train the source (or load it), transfer it to
// the target, train the from-scratch baseline, and report every step to the supervisor.
// Runs inside the worker process; it talks only through `report`.
import * as tf from '@tensorflow/tfjs';
import { selectBackend, environmentInfo } from '../engine/accel/backend';
import { describeAdapterLine } from '../engine/accel/webgpu';
import { loadDataset, conformDataset } from '../engine/data/datasets';
import { CancelledError } from '../engine/data/datasets/image-cache';
import { classifierOnFeatures, loadPretrained, MODEL_CATALOG } from '../engine/data/downloads';
import { decodeAtModelSize, fitHeadToClasses, modelInputShape } from './model-fit';
import { buildModel, transferModel, resolveFrozenLayers, applyFreeze, loadModel, readWeightsSnapshot } from '../engine/model';
import type { ExperimentSpec } from '@contract/spec';
import type { EnvironmentInfo, Job, PhasePlan } from './protocol';
import { trainPhase, type PhaseContext, type PhaseOutcome, type Report } from './train-phase';
import { continueRun } from './continue-run';
import { architectureOf, baselineModel, baselineRegularization, loadOptions } from './phase-settings';
import { overlapWhileDecoding } from './overlapped-features';
import { trainingThreads } from './training-threads';
import { isAugmentationOn } from '../engine/data/augmentation';

export type { Report } from './train-phase';

/**
 * Runs every phase of the job in order; stops after a phase that was cancelled. A cancel
 * while a dataset loads stops the loading (nothing half-written is kept) and ends the job:
 * the supervisor marks the runs that had not finished as cancelled.
 */
export async function runJob(job: Job, report: Report, isCancelled: () => boolean): Promise<void> {
  try {
    await runPhases(job, report, isCancelled);
  } catch (error) {
    if (error instanceof CancelledError) return;
    throw error;
  }
}

async function runPhases(job: Job, report: Report, isCancelled: () => boolean): Promise<void> {
  const backend = await selectBackend(job.spec.backend);
  const environment: EnvironmentInfo = {
    ...environmentInfo(),
    backend: backend.name,
    backendRequested: job.spec.backend,
    backendSkipped: backend.skipped,
    tfjsVersion: tf.version.tfjs,
    appVersion: job.appVersion,
    ...(backend.gpuAdapter ? { gpu: describeAdapterLine(backend.gpuAdapter), gpuAdapter: backend.gpuAdapter } : {}),
  };
  const ctx: PhaseContext = { job, report, isCancelled, environment, backendNotes: backend.notes };
  const spec = job.spec;
  if (job.continuation) {
    await continueRun(ctx, job.continuation);
    return;
  }

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
  if (!spec.target || (!targetPhase && !phase('baseline'))) return;
  const target = spec.target;
  const inputShape = sourceModel.inputs[0].shape.slice(1) as number[];
  const targetSpec = decodeAtModelSize(target.dataset, inputShape);
  // The transferred model depends only on the class count: made once, when the classes are
  // known (by the feature pass that starts while the images decode, or after loading).
  let made: { numClasses: number; model: tf.LayersModel } | undefined;
  const transfer = (numClasses: number): tf.LayersModel => {
    if (made?.numClasses !== numClasses) made = { numClasses, model: transferModel(sourceModel, { numClasses, head: target.head, seed: spec.seed }) };
    return made.model;
  };
  const overlap = overlapWhileDecoding(
    (dataset) => {
      if (!targetPhase) return null;
      const model = transfer(dataset.classNames.length);
      return { model, frozenLayers: resolveFrozenLayers(model, target.freeze), augmentationOn: isAugmentationOn(target.training.augmentation) };
    },
    { inputShape, threads: job.trainingThreads ?? trainingThreads(), isCancelled },
  );
  try {
    await transferPhases(ctx, { target, inputShape, targetSpec, transfer, overlap });
  } finally {
    await overlap.started()?.dispose();
  }
}

/** The target phase (fine-tuning the transferred model) and the from-scratch baseline. */
async function transferPhases(
  ctx: PhaseContext,
  setup: {
    target: NonNullable<ExperimentSpec['target']>;
    inputShape: number[];
    targetSpec: ReturnType<typeof decodeAtModelSize>;
    transfer: (numClasses: number) => tf.LayersModel;
    overlap: ReturnType<typeof overlapWhileDecoding>;
  },
): Promise<void> {
  const { job, report, isCancelled } = ctx;
  const spec = job.spec;
  const { target, inputShape, targetSpec, overlap } = setup;
  const phase = (role: PhasePlan['role']) => job.phases.find((p) => p.role === role);
  const targetPhase = phase('target');
  const loadStart = performance.now();
  const loaded = await loadDataset(targetSpec.spec, { ...loadOptions(job, report, isCancelled), onBuildingDataset: overlap.onBuildingDataset });
  overlap.started()?.loadFinished();
  const targetData = conformDataset(loaded, inputShape);
  const loadMs = performance.now() - loadStart;

  const transferred = setup.transfer(targetData.classNames.length);
  // L2-SP pulls toward the weights as they are right after transfer, before any fine-tuning.
  const sourceSnapshot = target.regularization.kind === 'l2-sp' ? await readWeightsSnapshot(transferred) : undefined;
  // A study's baseline job trains only the baseline (its transfer runs are experiments of their own).
  if (targetPhase) {
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
      regularization: { spec: target.regularization, source: sourceSnapshot, newLayers: target.head === 'replace' ? ['head'] : [] },
      loadMs,
      notes: targetSpec.note ? [targetSpec.note] : [],
      overlapped: overlap.started(),
    });
    if (targetOutcome.cancelled) return;
  }

  const baselinePhase = phase('baseline');
  if (!target.baseline || !baselinePhase) return;
  const baseline = baselineModel(spec, transferred, inputShape, targetData.classNames.length);
  await trainPhase(ctx, baselinePhase, {
    model: baseline,
    data: targetData,
    datasetSpec: target.dataset,
    training: target.training,
    architecture: architectureOf(spec),
    frozenLayers: [],
    extraHyperparams: { initialisation: 'random', regularization: baselineRegularization(target.regularization) },
    regularization: { spec: baselineRegularization(target.regularization) },
  });
}

async function runSourcePhase(ctx: PhaseContext, plan: PhasePlan, spec: ExperimentSpec): Promise<PhaseOutcome> {
  if ('run' in spec.source) throw new Error('unreachable: source run has no source phase');
  const source = spec.source;
  const notes: string[] = [];
  // A model that fixes its input size is loaded first, so images are decoded at that size.
  let given: tf.LayersModel | undefined;
  if ('import' in source.model) given = await loadModel(source.model.import);
  else if ('pretrained' in source.model) {
    given = await loadPretrained(source.model.pretrained, { dataFolder: ctx.job.dataFolder, onDownloadProgress: loadOptions(ctx.job, ctx.report).onDownloadProgress });
  }
  const fitted = given ? decodeAtModelSize(source.dataset, modelInputShape(given)) : { spec: source.dataset };
  if (fitted.note) notes.push(fitted.note);
  const loadStart = performance.now();
  const data = await loadDataset(fitted.spec, loadOptions(ctx.job, ctx.report, ctx.isCancelled));
  const loadMs = performance.now() - loadStart;
  let model: tf.LayersModel;
  if ('architecture' in source.model) {
    model = buildModel(source.model.architecture, data.inputShape, data.classNames.length, spec.seed);
  } else if ('import' in source.model) {
    const head = fitHeadToClasses(given!, data.classNames.length, spec.seed);
    if (head.note) notes.push(head.note);
    model = head.model;
  } else {
    // Cut at its feature layer with a fresh 'head' for the source classes (downloads/pretrained.ts).
    try {
      model = classifierOnFeatures(given!, data.classNames.length, spec.seed, MODEL_CATALOG[source.model.pretrained].inputRange);
    } finally {
      given!.dispose();
    }
  }
  const conformed = conformDataset(data, modelInputShape(model));
  return trainPhase(ctx, plan, {
    model,
    data: conformed,
    datasetSpec: source.dataset,
    training: source.training,
    architecture: architectureOf(spec),
    frozenLayers: [],
    extraHyperparams: {},
    loadMs,
    notes,
  });
}


