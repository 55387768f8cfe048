// The experiment specs the wizard starts: one that trains only the source model (step 3),
// and one that fine-tunes that source run's model on the target with the from-scratch
// baseline beside it (step 6). Both are plain data checked again by the core.
import type { DatasetSpec, ExperimentSpecInput, ModelSpec, RegularizationSpec, TargetSpec } from '@contract/spec';
import type { DataChoice, Draft } from './draft';
import { toTrainingSpec } from './hyperparameters';
import { freezeSpecOf, headLayerName, type LayerRow } from '../components/layer-freeze';

/** The dataset as the core loads it, without the class subset and cap (for the full preview). */
export function baseDatasetSpec(choice: DataChoice): DatasetSpec | null {
  switch (choice.origin) {
    case 'builtin':
      return choice.name === 'mnist' || choice.name === 'shapes' ? { kind: 'builtin', name: choice.name } : null;
    case 'download':
      return choice.name === 'mnist' || choice.name === 'fashion-mnist' || choice.name === 'cifar10' ? { kind: 'download', name: choice.name } : null;
    case 'folder':
    case 'cifar10':
      return choice.path.trim() ? { kind: choice.origin, path: choice.path.trim() } : null;
    case 'csv':
      return choice.path.trim() && choice.labelColumn.trim() ? { kind: 'csv', path: choice.path.trim(), label: choice.labelColumn.trim() } : null;
    case 'idx':
      return choice.path.trim() && choice.labelsPath.trim() ? { kind: 'idx', images: choice.path.trim(), labels: choice.labelsPath.trim() } : null;
  }
}

/** The dataset with the kept classes and the per-class cap, as training uses it. */
export function datasetSpec(choice: DataChoice): DatasetSpec | null {
  const base = baseDatasetSpec(choice);
  if (!base) return null;
  const spec: DatasetSpec = { ...base };
  if (choice.classes.length >= 2) spec.classes = [...choice.classes].sort((a, b) => a - b);
  if (choice.limitPerClass !== null) spec.limitPerClass = choice.limitPerClass;
  return spec;
}

export function modelSpec(draft: Draft): ModelSpec {
  if (draft.model.kind === 'import') return { import: draft.model.importPath.trim() };
  if (draft.model.kind === 'pretrained') return { pretrained: 'mobilenet-v1-0.25' };
  return { architecture: draft.model.architecture };
}

/** The spec asks for a number of training threads only when Settings chose one. */
function threadsOf(draft: Draft): { trainingThreads?: number } {
  return draft.trainingThreads === null ? {} : { trainingThreads: draft.trainingThreads };
}

export function sourceSpec(draft: Draft): ExperimentSpecInput {
  const dataset = datasetSpec(draft.sourceData);
  if (!dataset) throw new Error('the source dataset is not chosen yet');
  return {
    name: `${draft.name} · source`,
    seed: draft.seed,
    backend: draft.backend,
    ...threadsOf(draft),
    source: { dataset, model: modelSpec(draft), training: toTrainingSpec(draft.sourceTraining) },
  };
}

export function regularizationSpec(r: Draft['regularization']): RegularizationSpec {
  if (r.kind === 'l2') return { kind: 'l2', weight: r.weight };
  if (r.kind === 'l2-sp') return { kind: 'l2-sp', alpha: r.alpha, beta: r.beta };
  return { kind: 'none' };
}

/** The run whose model is fine-tuned: the one trained in step 3, or the one reused. */
export function sourceRunOf(draft: Draft): string | null {
  return draft.sourceMode === 'reuse' ? draft.reuseRunId : draft.sourceRunId;
}

export function fineTuneSpec(draft: Draft, sourceLayers: readonly LayerRow[]): ExperimentSpecInput {
  const run = sourceRunOf(draft);
  const dataset = datasetSpec(draft.targetData);
  if (!run) throw new Error('there is no source model yet: train one or pick an earlier run');
  if (!dataset) throw new Error('the target dataset is not chosen yet');
  const target: TargetSpec = {
    dataset,
    // A replaced head is new: it always trains, whatever was ticked for the old one.
    freeze: freezeSpecOf(sourceLayers, draft.head === 'replace' ? draft.frozen.filter((n) => n !== headLayerName(sourceLayers)) : draft.frozen),
    head: draft.head,
    training: toTrainingSpec(draft.targetTraining),
    regularization: regularizationSpec(draft.regularization),
    baseline: draft.baseline,
  };
  return { name: draft.name, seed: draft.seed, backend: draft.backend, ...threadsOf(draft), source: { run }, target };
}
