// What each phase of an experiment will cost on this machine, before anything trains: the
// data counted as training would split it (an image folder listed, not decoded), each model
// built or loaded as the worker would (run-job.ts) and its forward pass timed at the input
// size the run will use, the feature-cache decision and the training threads the run would
// make, and then the worker's own arithmetic (estimatePhase). Runs in the helper process.
import type * as tf from '@tensorflow/tfjs';
import type { ExperimentSpec, TargetSpec, TrainingSpec } from '@contract/spec';
import type { ExperimentEstimate, PhaseCost } from '@contract/estimate';
import { countDataset, conformDataset, type Dataset, type LoadOptions } from '../engine/data/datasets';
import { classifierOnFeatures, loadPretrained, MODEL_CATALOG } from '../engine/data/downloads';
import { isAugmentationOn } from '../engine/data/augmentation';
import { applyFreeze, buildModel, loadModel, resolveFrozenLayers, splitAtLayer, transferModel } from '../engine/model';
import { splitValidation } from '../engine/training/train';
import { planFeatureCache } from '../engine/training/feature-cache';
import { decodeAtModelSize, fitHeadToClasses, modelInputShape } from './model-fit';
import { estimatePhase, forwardMsPerSample } from './phase-estimate';
import { trainingThreads } from './training-threads';

export interface EstimateOptions {
  /** The saved model of the reused source run (spec.source.run), found by the core. */
  sourceModelDir?: string;
  dataFolder: string;
  /** The tfjs backend the helper runs on, named in the basis. */
  backend: string;
  onDownloadProgress?: LoadOptions['onDownloadProgress'];
}

/** Timed passes per model, of which the median counts: small models' passes take well under a millisecond. */
const TIMINGS = 5;

interface Setting {
  spec: ExperimentSpec;
  threads: number;
  dataFolder: string;
  load: LoadOptions;
}

export async function estimateExperiment(spec: ExperimentSpec, options: EstimateOptions): Promise<ExperimentEstimate> {
  const setting: Setting = {
    spec,
    threads: spec.trainingThreads ?? trainingThreads(),
    dataFolder: options.dataFolder,
    load: { seed: spec.seed, dataFolder: options.dataFolder, onDownloadProgress: options.onDownloadProgress },
  };
  const phases: Pick<ExperimentEstimate, 'source' | 'target' | 'baseline'> = {};
  let sourceModel: tf.LayersModel;
  if ('run' in spec.source) {
    if (!options.sourceModelDir) throw new Error(`source run ${spec.source.run} has no saved model`);
    sourceModel = await loadModel(options.sourceModelDir);
  } else {
    const source = await estimateSource(setting, spec.source);
    sourceModel = source.model;
    phases.source = source.cost;
  }
  try {
    if (spec.target) Object.assign(phases, await estimateTarget(setting, spec.target, sourceModel));
  } finally {
    sourceModel.dispose();
  }
  const totalMs = (phases.source?.totalMs ?? 0) + (phases.target?.totalMs ?? 0) + (phases.baseline?.totalMs ?? 0);
  return { ...phases, totalMs, threads: setting.threads, backend: options.backend, basis: basisOf(setting.threads, options.backend) };
}

function basisOf(threads: number, backend: string): string {
  return (
    `each model's forward pass timed here on ${backend} (the median of ${TIMINGS} batches of 4, after a warm-up), a training step taken as three forward passes, ` +
    `${threads} training ${threads === 1 ? 'thread' : 'threads'}; the data counted, not loaded (loading and decoding are not included)`
  );
}

/** The source model as the worker builds it, and what training it costs. */
async function estimateSource(setting: Setting, source: Exclude<ExperimentSpec['source'], { run: string }>): Promise<{ model: tf.LayersModel; cost: PhaseCost }> {
  const { spec, load } = setting;
  let given: tf.LayersModel | undefined;
  if ('import' in source.model) given = await loadModel(source.model.import);
  else if ('pretrained' in source.model) given = await loadPretrained(source.model.pretrained, { dataFolder: setting.dataFolder, onDownloadProgress: load.onDownloadProgress });
  try {
    const fitted = given ? decodeAtModelSize(source.dataset, modelInputShape(given)) : { spec: source.dataset };
    const data = await countDataset(fitted.spec, load);
    const classes = data.classNames.length;
    let model: tf.LayersModel;
    if ('architecture' in source.model) model = buildModel(source.model.architecture, data.inputShape, classes, spec.seed);
    else if ('import' in source.model) {
      model = fitHeadToClasses(given!, classes, spec.seed).model;
      given = undefined; // now the source model, or disposed by fitHeadToClasses when its head was replaced
    } else model = classifierOnFeatures(given!, classes, spec.seed, MODEL_CATALOG[source.model.pretrained].inputRange);
    try {
      const cost = await phaseCost(setting, model, conformDataset(data, modelInputShape(model)), source.training, []);
      return { model, cost: cost.cost };
    } catch (error) {
      model.dispose();
      throw error;
    }
  } finally {
    given?.dispose();
  }
}

/** Fine-tuning the transferred model, and training the same model from scratch when asked. */
async function estimateTarget(setting: Setting, target: TargetSpec, sourceModel: tf.LayersModel): Promise<{ target: PhaseCost; baseline?: PhaseCost }> {
  const inputShape = modelInputShape(sourceModel);
  const data = conformDataset(await countDataset(decodeAtModelSize(target.dataset, inputShape).spec, setting.load), inputShape);
  const transferred = transferModel(sourceModel, { numClasses: data.classNames.length, head: target.head, seed: setting.spec.seed });
  try {
    const frozen = resolveFrozenLayers(transferred, target.freeze);
    applyFreeze(transferred, frozen);
    const fineTune = await phaseCost(setting, transferred, data, target.training, frozen);
    if (!target.baseline) return { target: fineTune.cost };
    // The baseline is the same architecture with every layer training: the full forward pass
    // on every step, as the worker's own estimate at the target phase takes it.
    const baseline = estimatePhase({ ...fineTune.input, trainedMs: fineTune.input.fullMs, cached: false, baseline: false });
    return { target: fineTune.cost, baseline: costOf(baseline, { ...fineTune.cost, featuresCached: false }) };
  } finally {
    transferred.dispose();
  }
}

async function phaseCost(setting: Setting, model: tf.LayersModel, data: Dataset, training: TrainingSpec, frozen: string[]) {
  const { train, validation } = splitValidation(data.train, training.validationSplit, setting.spec.seed, data.inputShape);
  const counts = { train: train.y.length, validation: validation?.y.length ?? 0, test: data.test.y.length };
  const cachePlan = planFeatureCache(model, frozen, {
    augmentationOn: isAugmentationOn(training.augmentation),
    trainCount: counts.train,
    validationCount: counts.validation,
  });
  const fullMs = await forwardMsPerSample(model, data.inputShape, TIMINGS);
  // With a cache only the layers above the cut train: time those on the features' shape.
  const trainedMs = cachePlan.cached ? await forwardMsPerSample(splitAtLayer(model, cachePlan.cutLayer).rest, cachePlan.featureShape, TIMINGS) : fullMs;
  const inferenceMs = await forwardMsPerSample(model, data.inputShape, TIMINGS, true);
  const input = { counts, epochs: training.epochs, threads: setting.threads, fullMs, inferenceMs, trainedMs, cached: cachePlan.cached, baseline: false };
  return { input, cost: costOf(estimatePhase(input), { samples: counts, epochs: training.epochs, inputShape: data.inputShape, featuresCached: cachePlan.cached }) };
}

type Assumed = Pick<PhaseCost, 'samples' | 'epochs' | 'inputShape' | 'featuresCached'>;

function costOf(e: ReturnType<typeof estimatePhase>, { samples, epochs, inputShape, featuresCached }: Assumed): PhaseCost {
  const totalMs = (e.featuresMs ?? 0) + e.trainMs + e.evaluateMs;
  return { ...(e.featuresMs !== undefined ? { featuresMs: e.featuresMs } : {}), trainMs: e.trainMs, evaluateMs: e.evaluateMs, totalMs, samples, epochs, inputShape, featuresCached };
}
