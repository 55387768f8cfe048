// "Re-open in the wizard": turns a recorded experiment spec back into wizard choices.
// Freezing by name ('through', 'all-but-head') needs the source model's layers, which
// the Transfer step loads; until then it is kept as `pendingFreeze` and resolved there.
import type { DatasetSpec, ExperimentSpecInput, FreezeSpec, TrainingSpec } from '@contract/spec';
import { experimentSpecSchema } from '@contract/spec';
import { defaultDataChoice, defaultDraft, type DataChoice, type Draft } from './draft';
import type { Hyperparameters } from './hyperparameters';
import { freezeThrough, headLayerName, type LayerRow } from '../components/layer-freeze';

function dataChoice(spec: DatasetSpec): DataChoice {
  const common = {
    classes: (spec.classes ?? []).filter((c): c is number => typeof c === 'number'),
    limitPerClass: spec.limitPerClass ?? null,
  };
  switch (spec.kind) {
    case 'builtin':
    case 'download':
      return defaultDataChoice({ origin: spec.kind, name: spec.name, ...common });
    case 'folder':
    case 'cifar10':
      return defaultDataChoice({ origin: spec.kind, path: spec.path, ...common });
    case 'csv':
      return defaultDataChoice({ origin: 'csv', path: spec.path, labelColumn: spec.label, ...common });
    case 'idx':
      return defaultDataChoice({ origin: 'idx', path: spec.images, labelsPath: spec.labels, ...common });
  }
}

function hyperparameters(t: TrainingSpec, fallback: Hyperparameters): Hyperparameters {
  const a = t.augmentation;
  return {
    ...fallback,
    epochs: t.epochs,
    batchSize: t.batchSize,
    optimizer: t.optimizer,
    learningRate: t.learningRate,
    validationPercent: Math.round(t.validationSplit * 100),
    earlyStopping: t.earlyStopping !== undefined,
    patience: t.earlyStopping?.patience ?? fallback.patience,
    augment: a !== undefined && (a.flip || a.shift > 0 || a.rotation > 0 || a.brightness > 0),
    flip: a?.flip ?? fallback.flip,
    shiftPercent: a ? Math.round(a.shift * 100) : fallback.shiftPercent,
    rotation: a?.rotation ?? fallback.rotation,
  };
}

/** Wizard choices from a spec; null when the text is not a valid experiment spec. */
export function draftFromSpec(input: ExperimentSpecInput | unknown): Draft | null {
  const parsed = experimentSpecSchema.safeParse(input);
  if (!parsed.success) return null;
  const spec = parsed.data;
  const draft = defaultDraft();
  draft.name = spec.name;
  draft.seed = spec.seed;
  draft.backend = spec.backend;
  draft.trainingThreads = spec.trainingThreads ?? null;
  if ('run' in spec.source) {
    draft.sourceMode = 'reuse';
    draft.reuseRunId = spec.source.run;
    draft.step = 'target-data';
  } else {
    draft.sourceData = dataChoice(spec.source.dataset);
    const m = spec.source.model;
    draft.model = 'architecture' in m
      ? { kind: 'architecture', architecture: m.architecture, importPath: '' }
      : 'import' in m
        ? { kind: 'import', architecture: draft.model.architecture, importPath: m.import }
        : { kind: 'pretrained', architecture: draft.model.architecture, importPath: '' };
    draft.sourceTraining = hyperparameters(spec.source.training, draft.sourceTraining);
  }
  if (spec.target) {
    const t = spec.target;
    draft.targetData = dataChoice(t.dataset);
    draft.head = t.head;
    draft.baseline = t.baseline;
    draft.targetTraining = hyperparameters(t.training, draft.targetTraining);
    const r = t.regularization;
    draft.regularization = {
      ...draft.regularization,
      kind: r.kind,
      ...(r.kind === 'l2' ? { weight: r.weight } : {}),
      ...(r.kind === 'l2-sp' ? { alpha: r.alpha, beta: r.beta } : {}),
    };
    draft.frozen = typeof t.freeze === 'object' && 'layers' in t.freeze ? [...t.freeze.layers] : [];
    draft.pendingFreeze = t.freeze === 'all-but-head' || (typeof t.freeze === 'object' && 'through' in t.freeze) ? t.freeze : null;
  }
  return draft;
}

/** Resolves a freeze given by rule ('through', 'all-but-head') against the source's layers. */
export function resolvePendingFreeze(freeze: FreezeSpec | { through: string } | 'all-but-head', layers: readonly LayerRow[]): string[] {
  if (freeze === 'none') return [];
  if (freeze === 'all-but-head') {
    const head = headLayerName(layers);
    return layers.filter((l) => l.name !== head).map((l) => l.name);
  }
  if ('through' in freeze) return layers.some((l) => l.name === freeze.through) ? freezeThrough(layers, freeze.through) : [];
  return [...freeze.layers];
}
