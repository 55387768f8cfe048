// One training phase (source, target, baseline, or a continuation of one): split off the
// validation set, choose frozen-feature caching, regularisation and augmentation, train with a
// checkpoint after every epoch, then evaluate and save the full model. Runs in the worker.
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import type { Dataset, Split } from '../engine/data/datasets/dataset';
import { trainModel, splitValidation, readOptimizerState, type EarlyStoppingState, type OptimizerStateEntry } from '../engine/training/train';
import { evaluateProbabilities } from '../engine/training/evaluate';
import { saveModel, splitAtLayer } from '../engine/model';
import { planFeatureCache } from '../engine/training/feature-cache';
import { streamFrozenFeatures, streamEvaluation } from './phase-inference';
import type { OverlappedFeatures } from './overlapped-features';
import { CancelledError } from '../engine/data/datasets/image-cache';
import { FEATURES_IN_MEMORY_BYTES } from '../engine/data/datasets/feature-store';
import { createPenalty, type PenaltyContext } from '../engine/training/regularization';
import { createAugmenter, describeAugmentation, isAugmentationOn } from '../engine/data/augmentation';
import { checkpointSize, writeCheckpoint } from '../engine/training/checkpoints';
import { planParallelism, type StepPlan } from '../engine/training/step-runner';
import { trainingThreads } from './training-threads';
import { describeEstimate, estimatePhase, forwardMsPerSample, type PhaseEstimate } from './phase-estimate';
import type { DatasetSpec, RegularizationSpec, TrainingSpec } from '@contract/spec';
import type { EnvironmentInfo, FromWorker, Job, PhasePlan, PhaseTimings } from './protocol';

export type Report = (message: FromWorker) => void;

export interface PhaseContext {
  job: Job;
  report: Report;
  isCancelled: () => boolean;
  environment: EnvironmentInfo;
  backendNotes: string[];
}

export interface PhaseOutcome {
  model: tf.LayersModel;
  cancelled: boolean;
}

/** Where a continued run (resume, train more) picks up. */
export interface PhaseStart {
  firstEpoch: number;
  optimizerState: OptimizerStateEntry[];
  earlyStopping: EarlyStoppingState;
  note: string;
}

export interface PhaseInput {
  model: tf.LayersModel;
  data: Dataset;
  datasetSpec: DatasetSpec;
  training: TrainingSpec;
  architecture: string;
  frozenLayers: string[];
  extraHyperparams: Record<string, unknown>;
  regularization?: { spec: RegularizationSpec } & PenaltyContext;
  start?: PhaseStart;
  /** How long loading the data took (0 when an earlier phase's data is reused). */
  loadMs?: number;
  /** Facts about how data and model were fitted to each other, for the run's notes. */
  notes?: string[];
  /** The frozen prefix's feature pass, started while the data decoded (used when the phase's cut matches). */
  overlapped?: OverlappedFeatures;
}

export async function trainPhase(ctx: PhaseContext, plan: PhasePlan, input: PhaseInput): Promise<PhaseOutcome> {
  const prepared = preparePhase(ctx, input);
  const estimate = await estimateTime(ctx, plan, input, prepared);
  reportStarted(ctx, plan, input, prepared, estimate);
  // What each part took, kept with the run whether it completes or is cancelled.
  const timings: PhaseTimings = { loadMs: Math.round(input.loadMs ?? 0) };
  const finish = (status: 'completed' | 'cancelled'): PhaseOutcome => {
    ctx.report({ type: 'phase-finished', runId: plan.runId, status, timings });
    return { model: input.model, cancelled: status === 'cancelled' };
  };
  try {
    const cancelled = await trainEpochs(ctx, plan, input, prepared, timings);
    if (cancelled) return finish('cancelled');
    await evaluateAndSave(ctx, plan, input, prepared.threads, timings);
    return finish('completed');
  } catch (error) {
    // A pass that notices the cancel mid-way (decoding, the feature pass, evaluation) throws this.
    if (error instanceof CancelledError) return finish('cancelled');
    throw error;
  }
}

/** Everything decided before the first step: the splits, caching, penalty, augmentation and the step plan. */
interface PreparedPhase {
  train: Split;
  validation?: Split;
  cachePlan: ReturnType<typeof planFeatureCache>;
  /** With a cache, the layers above the cut, which are the ones that train. */
  split?: ReturnType<typeof splitAtLayer>;
  penalty?: ReturnType<typeof createPenalty>;
  augment: ReturnType<typeof createAugmenter>;
  threads: number;
  stepPlan: StepPlan;
  /** What the run's record says about how it trains. */
  notes: string[];
}

function preparePhase(ctx: PhaseContext, input: PhaseInput): PreparedPhase {
  const { model, data, training } = input;
  const { train, validation } = splitValidation(data.train, training.validationSplit, ctx.job.spec.seed, data.inputShape);
  const notes = [...ctx.backendNotes];
  if (input.start) notes.push(input.start.note);
  if (input.notes) notes.push(...input.notes);

  const augmentationOn = isAugmentationOn(training.augmentation);
  if (isAugmentationOn(training.augmentation)) notes.push(describeAugmentation(training.augmentation));
  const cachePlan = planFeatureCache(model, input.frozenLayers, {
    augmentationOn,
    trainCount: train.y.length,
    validationCount: validation?.y.length ?? 0,
  });
  if (cachePlan.note) notes.push(cachePlan.note);
  const overlapped = input.overlapped;
  if (cachePlan.cached && overlapped?.model === model && overlapped.cutLayer === cachePlan.cutLayer) {
    // Its first chunk may not have run yet (the threads start while the images decode).
    const first = overlapped.chunks[0];
    const progress = first ? `; its first chunk ran with ${first.decoded} of ${first.total} images decoded` : '';
    notes.push(`feature pass overlapped with decoding: it started with the image cache's build${progress}`);
  }
  const penalty = input.regularization ? createPenalty(model, input.regularization.spec, input.regularization) : undefined;
  if (penalty) notes.push(penalty.description);
  const augment = createAugmenter(training.augmentation);
  const threads = ctx.job.trainingThreads ?? trainingThreads();
  // With a cache only the layers above the cut train: plan for that model. The plan is made
  // once, here, and handed to the training loop.
  const split = cachePlan.cached ? splitAtLayer(model, cachePlan.cutLayer) : undefined;
  const stepPlan = planParallelism(split?.rest ?? model, threads, tf.getBackend(), {
    optimizer: training.optimizer,
    batchSize: Math.min(training.batchSize, train.y.length),
    penalty,
    penaltyTerms: penalty?.terms,
    augment,
    optimizerState: input.start?.optimizerState,
    frozenPrefixCached: cachePlan.cached,
  });
  notes.push(stepPlan.description);
  return { train, validation, cachePlan, split, penalty, augment, threads, stepPlan, notes };
}

/**
 * How long each part should take, from a timed forward pass of the model on this machine
 * (calibration reads back asynchronously: webgpu cannot read back synchronously). Its
 * description, and whether frozen features go to disk, join the run's notes.
 */
async function estimateTime(ctx: PhaseContext, plan: PhasePlan, input: PhaseInput, prepared: PreparedPhase): Promise<PhaseEstimate> {
  const { model, data, training } = input;
  const { train, validation, cachePlan, split, threads, notes } = prepared;
  const counts = { train: train.y.length, validation: validation?.y.length ?? 0, test: data.test.y.length };
  const fullMs = await forwardMsPerSample(model, data.inputShape);
  const estimate = estimatePhase({
    counts,
    epochs: training.epochs,
    threads,
    fullMs,
    inferenceMs: await forwardMsPerSample(model, data.inputShape, 1, true),
    trainedMs: split && cachePlan.cached ? await forwardMsPerSample(split.rest, cachePlan.featureShape) : fullMs,
    cached: cachePlan.cached,
    baseline: plan.role === 'target' && ctx.job.phases.some((p) => p.role === 'baseline'),
  });
  notes.push(describeEstimate(estimate));
  if (cachePlan.cached && counts.train * cachePlan.featureShape.reduce((x, y) => x * y, 1) * 4 > FEATURES_IN_MEMORY_BYTES) {
    notes.push('frozen features kept on disk: too large to hold in memory');
  }
  return estimate;
}

/** Tells the supervisor the run has started and with what, so it is recorded before any step. */
function reportStarted(ctx: PhaseContext, plan: PhasePlan, input: PhaseInput, prepared: PreparedPhase, estimate: PhaseEstimate): void {
  const { data, training } = input;
  ctx.report({
    type: 'phase-started',
    estimate,
    runId: plan.runId,
    environment: ctx.environment,
    architecture: input.architecture,
    hyperparams: { ...training, seed: ctx.job.spec.seed, ...input.extraHyperparams },
    frozenLayers: input.frozenLayers,
    dataset: {
      description: data.description,
      classNames: data.classNames,
      inputShape: data.inputShape,
      train: prepared.train.y.length,
      validation: prepared.validation?.y.length ?? 0,
      test: data.test.y.length,
    },
    notes: prepared.notes,
    warnings: data.warnings,
  });
}

/**
 * The feature pass (with a cache), then the epochs, each followed by its checkpoint; progress
 * and metrics go to the supervisor. Returns whether training was cancelled.
 */
async function trainEpochs(ctx: PhaseContext, plan: PhasePlan, input: PhaseInput, prepared: PreparedPhase, timings: PhaseTimings): Promise<boolean> {
  const { data } = input;
  const { train, validation, cachePlan, penalty, split } = prepared;
  // With a cache, the layers above the cut train on precomputed features; they share the
  // full model's weights, so `model` is what gets checkpointed, evaluated and saved.
  let cached;
  // The pass that started while the images decoded serves only the same model cut at the same layer.
  const overlapped = input.overlapped;
  const early = cachePlan.cached && overlapped?.model === input.model && overlapped.cutLayer === cachePlan.cutLayer ? overlapped : undefined;
  try {
    if (cachePlan.cached && split) {
      const featuresStart = early?.startedAt ?? performance.now();
      cached = await streamFrozenFeatures(split, cachePlan.featureShape, { train, validation }, data.inputShape, prepared.threads, ctx.isCancelled, early);
      timings.featuresMs = Math.round(performance.now() - featuresStart);
      if (early) timings.featuresDuringLoadMs = Math.round(early.duringLoadMs());
      timings.inferenceThreads = cached.threads;
    }
    const trainStart = performance.now();
    const result = await fitEpochs(ctx, plan, input, prepared, cached);
    timings.trainMs = Math.round(performance.now() - trainStart);
    return result.cancelled;
  } finally {
    penalty?.dispose();
    cached?.dispose();
    if (overlapped !== early) await overlapped?.dispose();
  }
}

function fitEpochs(ctx: PhaseContext, plan: PhasePlan, input: PhaseInput, prepared: PreparedPhase, cached: Awaited<ReturnType<typeof streamFrozenFeatures>> | undefined) {
  const { model, data, training } = input;
  const { train, validation, penalty } = prepared;
  const firstEpoch = input.start?.firstEpoch ?? 1;
  const plannedLastEpoch = firstEpoch + training.epochs - 1;
  return trainModel(cached?.rest ?? model, cached ? { train: cached.train, validation: cached.validation } : { train, validation }, training, {
    seed: ctx.job.spec.seed,
    inputShape: cached?.featureShape ?? data.inputShape,
    numClasses: data.classNames.length,
    penalty: penalty?.value,
    penaltyTerms: penalty?.terms,
    augment: prepared.augment,
    firstEpoch,
    optimizerState: input.start?.optimizerState,
    threads: prepared.threads,
    plan: prepared.stepPlan,
    earlyStopping: input.start?.earlyStopping,
    callbacks: {
      onStep: (progress) => ctx.report({ type: 'step', runId: plan.runId, progress }),
      // The epoch is reported once its checkpoint is on disk, so the recorded history never
      // runs ahead of the checkpoint: a crash in between leaves the checkpoint at most one
      // epoch ahead, and that epoch's metrics are in the checkpoint (resume records them).
      afterEpoch: async (end) => {
        const written = await writeCheckpoint(
          plan.runDir,
          model,
          {
            epoch: end.metrics.epoch,
            plannedLastEpoch,
            metrics: end.metrics,
            monitor: validation ? 'val_loss' : 'loss',
            earlyStopping: end.earlyStopping,
            optimizer: training.optimizer,
          },
          await readOptimizerState(end.optimizer),
          end.improved,
        );
        for (const folder of written) {
          ctx.report({ type: 'artifact', runId: plan.runId, kind: 'checkpoint', path: folder, sizeBytes: await checkpointSize(folder) });
        }
        ctx.report({ type: 'epoch', runId: plan.runId, metrics: end.metrics });
      },
      shouldStop: ctx.isCancelled,
    },
  });
}

/** The test-set evaluation and the saved model, each reported as it is done. */
async function evaluateAndSave(ctx: PhaseContext, plan: PhasePlan, input: PhaseInput, threads: number, timings: PhaseTimings): Promise<void> {
  const { model, data } = input;
  const evaluateStart = performance.now();
  const probabilities = await streamEvaluation(model, data.test, data.inputShape, threads, ctx.isCancelled);
  const evaluation = evaluateProbabilities(probabilities.values, data.test, data.classNames, 'test');
  timings.evaluateMs = Math.round(performance.now() - evaluateStart);
  timings.inferenceThreads = Math.max(timings.inferenceThreads ?? 1, probabilities.threads);
  ctx.report({ type: 'evaluation', runId: plan.runId, evaluation });
  const modelDir = path.join(plan.runDir, 'model');
  await saveModel(model, modelDir);
  ctx.report({ type: 'artifact', runId: plan.runId, kind: 'model', path: modelDir, sizeBytes: folderSize(modelDir) });
}

function folderSize(dir: string): number {
  let total = 0;
  for (const f of fs.readdirSync(dir)) total += fs.statSync(path.join(dir, f)).size;
  return total;
}
