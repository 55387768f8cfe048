// One training phase (source, target, baseline, or a continuation of one): split off the
// validation set, choose frozen-feature caching, regularisation and augmentation, train with a
// checkpoint after every epoch, then evaluate and save the full model. Runs in the worker.
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import type { Dataset } from '../engine/datasets/dataset';
import { trainModel, splitValidation, readOptimizerState, type EarlyStoppingState, type OptimizerStateEntry } from '../engine/train';
import { evaluateProbabilities } from '../engine/evaluate';
import { saveModel, splitAtLayer } from '../engine/models';
import { planFeatureCache } from '../engine/feature-cache';
import { streamFrozenFeatures, streamEvaluation } from './phase-inference';
import { CancelledError } from '../engine/datasets/image-cache';
import { createPenalty, type PenaltyContext } from '../engine/regularization';
import { createAugmenter, describeAugmentation, isAugmentationOn } from '../engine/augmentation';
import { checkpointSize, writeCheckpoint } from '../engine/checkpoints';
import { planParallelism } from '../engine/step-runner';
import { trainingThreads } from './training-threads';
import { describeEstimate, estimatePhase, forwardMsPerSample } from './phase-estimate';
import { FEATURES_IN_MEMORY_BYTES } from '../engine/datasets/feature-store';
import type { DatasetSpec, RegularizationSpec, TrainingSpec } from '../engine/spec';
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
}

export async function trainPhase(ctx: PhaseContext, plan: PhasePlan, input: PhaseInput): Promise<PhaseOutcome> {
  const { report, job } = ctx;
  const { model, data, training } = input;
  const inputShape = data.inputShape;
  const numClasses = data.classNames.length;
  const seed = job.spec.seed;
  const { train, validation } = splitValidation(data.train, training.validationSplit, seed, inputShape);
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
  const penalty = input.regularization ? createPenalty(model, input.regularization.spec, input.regularization) : undefined;
  if (penalty) notes.push(penalty.description);
  const augment = createAugmenter(training.augmentation);
  const threads = job.trainingThreads ?? trainingThreads();
  // With a cache only the layers above the cut train: plan for that model.
  const split = cachePlan.cached ? splitAtLayer(model, cachePlan.cutLayer) : undefined;
  notes.push(planParallelism(split?.rest ?? model, threads, tf.getBackend(), {
    optimizer: training.optimizer,
    batchSize: Math.min(training.batchSize, train.y.length),
    penalty,
    penaltyTerms: penalty?.terms,
    augment,
    optimizerState: input.start?.optimizerState,
    frozenPrefixCached: cachePlan.cached,
  }).description);

  const counts = { train: train.y.length, validation: validation?.y.length ?? 0, test: data.test.y.length };
  const fullMs = await forwardMsPerSample(model, inputShape);
  const estimate = estimatePhase({
    counts,
    epochs: training.epochs,
    threads,
    fullMs,
    trainedMs: split && cachePlan.cached ? await forwardMsPerSample(split.rest, cachePlan.featureShape) : fullMs,
    cached: cachePlan.cached,
    baseline: plan.role === 'target' && job.phases.some((p) => p.role === 'baseline'),
  });
  notes.push(describeEstimate(estimate));
  if (cachePlan.cached && counts.train * cachePlan.featureShape.reduce((x, y) => x * y, 1) * 4 > FEATURES_IN_MEMORY_BYTES) {
    notes.push('frozen features kept on disk: too large to hold in memory');
  }

  report({
    type: 'phase-started',
    estimate,
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
    notes,
    warnings: data.warnings,
  });

  // With a cache, the layers above the cut train on precomputed features; they share the
  // full model's weights, so `model` is what gets checkpointed, evaluated and saved.
  const timings: PhaseTimings = { loadMs: Math.round(input.loadMs ?? 0) };
  const cancelledNow = (): PhaseOutcome => {
    report({ type: 'phase-finished', runId: plan.runId, status: 'cancelled', timings });
    return { model, cancelled: true };
  };
  let cached;
  if (cachePlan.cached && split) {
    const featuresStart = performance.now();
    try {
      cached = await streamFrozenFeatures(split, cachePlan.featureShape, { train, validation }, inputShape, threads, ctx.isCancelled);
    } catch (error) {
      if (error instanceof CancelledError) return cancelledNow();
      throw error;
    }
    timings.featuresMs = Math.round(performance.now() - featuresStart);
    timings.inferenceThreads = cached.threads;
  }
  const trainStart = performance.now();
  const firstEpoch = input.start?.firstEpoch ?? 1;
  const plannedLastEpoch = firstEpoch + training.epochs - 1;
  let result;
  try {
    result = await trainModel(
      cached?.rest ?? model,
      cached ? { train: cached.train, validation: cached.validation } : { train, validation },
      training,
      {
        seed,
        inputShape: cached?.featureShape ?? inputShape,
        numClasses,
        penalty: penalty?.value,
        penaltyTerms: penalty?.terms,
        augment,
        firstEpoch,
        optimizerState: input.start?.optimizerState,
        threads,
        earlyStopping: input.start?.earlyStopping,
        callbacks: {
          onStep: (progress) => report({ type: 'step', runId: plan.runId, progress }),
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
              report({ type: 'artifact', runId: plan.runId, kind: 'checkpoint', path: folder, sizeBytes: await checkpointSize(folder) });
            }
            report({ type: 'epoch', runId: plan.runId, metrics: end.metrics });
          },
          shouldStop: ctx.isCancelled,
        },
      },
    );
  } finally {
    penalty?.dispose();
    cached?.dispose();
  }
  timings.trainMs = Math.round(performance.now() - trainStart);
  if (result.cancelled) return cancelledNow();

  const evaluateStart = performance.now();
  let probabilities;
  try {
    probabilities = await streamEvaluation(model, data.test, inputShape, threads, ctx.isCancelled);
  } catch (error) {
    if (error instanceof CancelledError) return cancelledNow();
    throw error;
  }
  const evaluation = evaluateProbabilities(probabilities.values, data.test, data.classNames, 'test');
  timings.evaluateMs = Math.round(performance.now() - evaluateStart);
  timings.inferenceThreads = Math.max(timings.inferenceThreads ?? 1, probabilities.threads);
  report({ type: 'evaluation', runId: plan.runId, evaluation });

  const modelDir = path.join(plan.runDir, 'model');
  await saveModel(model, modelDir);
  report({ type: 'artifact', runId: plan.runId, kind: 'model', path: modelDir, sizeBytes: folderSize(modelDir) });
  report({ type: 'phase-finished', runId: plan.runId, status: 'completed', timings });
  return { model, cancelled: false };
}

function folderSize(dir: string): number {
  let total = 0;
  for (const f of fs.readdirSync(dir)) total += fs.statSync(path.join(dir, f)).size;
  return total;
}
