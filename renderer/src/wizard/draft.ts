// The wizard's draft: every choice, the current step, and the ids of the experiments it has
// started. It is saved to localStorage on every change and read back on start, so a reload
// or a restart of the app resumes where the person was. What is read back is validated
// field by field: a bad or outdated field falls back to its default instead of breaking
// the wizard.
import { z } from 'zod';
import { architectureNames, backendNames } from '@contract/spec';
import { defaultHyperparameters, OPTIMIZERS, type Hyperparameters } from './hyperparameters';
import { suggestedName } from './experiment-name';
import { DATA_ORIGINS, STEPS, type DataChoice, type Draft, type StepId } from './draft-shape';

// The draft's shape is declared in draft-shape.ts (experiment-name.ts reads it without this file).
export * from './draft-shape';

export function defaultDataChoice(overrides: Partial<DataChoice> = {}): DataChoice {
  return { origin: 'builtin', name: 'mnist', path: '', labelsPath: '', labelColumn: 'label', classes: [], limitPerClass: null, ...overrides };
}

export function defaultDraft(): Draft {
  const draft: Draft = {
    version: 1,
    step: 'source-data',
    name: '',
    nameEdited: false,
    seed: 42,
    backend: 'auto',
    trainingThreads: null,
    sourceMode: 'train',
    reuseRunId: null,
    sourceData: defaultDataChoice({ classes: [0, 1, 2, 3, 4], limitPerClass: 200 }),
    model: { kind: 'architecture', architecture: 'seed-cnn', importPath: '' },
    sourceTraining: defaultHyperparameters(),
    targetData: defaultDataChoice({ classes: [5, 6, 7, 8, 9], limitPerClass: 20 }),
    frozen: [],
    head: 'replace',
    regularization: { kind: 'none', weight: 0.0001, alpha: 0.01, beta: 0.0001 },
    baseline: true,
    // Fine-tuning starts from learned weights: a smaller step keeps them from being
    // overwritten in the first updates (as the Transfer step advises).
    targetTraining: defaultHyperparameters({ epochs: 10, batchSize: 16, learningRate: 0.0005 }),
    sourceExperimentId: null,
    sourceRunId: null,
    targetExperimentId: null,
    sourceMadeFrom: null,
    targetMadeFrom: null,
    earlierSources: [],
  };
  draft.name = suggestedName(draft);
  return draft;
}

const nullableNumber = z.number().finite().nullable();
const madeFromSchema = z.record(z.string().max(100), z.string().max(100_000)).nullable().catch(null);
const runId = z.string().regex(/^[0-9a-z]{1,64}$/).nullable();

function hyperparametersSchema(fallback: Hyperparameters) {
  return z.object({
    epochs: nullableNumber.catch(fallback.epochs),
    batchSize: nullableNumber.catch(fallback.batchSize),
    optimizer: z.enum(OPTIMIZERS).catch(fallback.optimizer),
    learningRate: nullableNumber.catch(fallback.learningRate),
    validationPercent: nullableNumber.catch(fallback.validationPercent),
    earlyStopping: z.boolean().catch(fallback.earlyStopping),
    patience: nullableNumber.catch(fallback.patience),
    augment: z.boolean().catch(fallback.augment),
    flip: z.boolean().catch(fallback.flip),
    shiftPercent: nullableNumber.catch(fallback.shiftPercent),
    rotation: nullableNumber.catch(fallback.rotation),
  }).catch(fallback);
}

function dataChoiceSchema(fallback: DataChoice) {
  return z.object({
    origin: z.enum(DATA_ORIGINS).catch(fallback.origin),
    name: z.string().max(200).catch(fallback.name),
    path: z.string().max(4096).catch(fallback.path),
    labelsPath: z.string().max(4096).catch(fallback.labelsPath),
    labelColumn: z.string().max(200).catch(fallback.labelColumn),
    classes: z.array(z.number().int().nonnegative()).max(10_000).catch(fallback.classes),
    limitPerClass: z.number().int().positive().nullable().catch(fallback.limitPerClass),
  }).catch(fallback);
}

function draftSchema() {
  const d = defaultDraft();
  return z.object({
    version: z.literal(1),
    step: z.enum(STEPS.map((s) => s.id) as [StepId, ...StepId[]]).catch(d.step),
    name: z.string().min(1).max(200).catch(d.name),
    nameEdited: z.boolean().catch(false),
    seed: z.number().int().nonnegative().max(2 ** 31 - 1).catch(d.seed),
    backend: z.enum(backendNames).catch(d.backend),
    trainingThreads: z.number().int().min(1).max(64).nullable().catch(null),
    sourceMode: z.enum(['train', 'reuse']).catch(d.sourceMode),
    reuseRunId: runId.catch(null),
    sourceData: dataChoiceSchema(d.sourceData),
    model: z.object({
      kind: z.enum(['architecture', 'import', 'pretrained']).catch(d.model.kind),
      architecture: z.enum(architectureNames).catch(d.model.architecture),
      importPath: z.string().max(4096).catch(''),
    }).catch(d.model),
    sourceTraining: hyperparametersSchema(d.sourceTraining),
    targetData: dataChoiceSchema(d.targetData),
    frozen: z.array(z.string().max(200)).max(10_000).catch([]),
    head: z.enum(['replace', 'keep']).catch(d.head),
    regularization: z.object({
      kind: z.enum(['none', 'l2', 'l2-sp']).catch('none'),
      weight: z.number().nonnegative().catch(d.regularization.weight),
      alpha: z.number().nonnegative().catch(d.regularization.alpha),
      beta: z.number().nonnegative().catch(d.regularization.beta),
    }).catch(d.regularization),
    baseline: z.boolean().catch(true),
    targetTraining: hyperparametersSchema(d.targetTraining),
    sourceExperimentId: runId.catch(null),
    sourceRunId: runId.catch(null),
    targetExperimentId: runId.catch(null),
    sourceMadeFrom: madeFromSchema,
    targetMadeFrom: madeFromSchema,
    earlierSources: z
      .array(z.object({ experimentId: z.string().regex(/^[0-9a-z]{1,64}$/), runId: z.string().regex(/^[0-9a-z]{1,64}$/), madeFrom: z.record(z.string().max(100), z.string().max(100_000)) }))
      .max(20)
      .catch([]),
    pendingFreeze: z.union([z.object({ through: z.string().max(200) }), z.literal('all-but-head'), z.null()]).optional().catch(null),
  });
}

/** A saved draft read back, or null when the text is not a draft of this version at all. */
export function parseDraft(text: string | null): Draft | null {
  if (!text) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const result = draftSchema().safeParse(value);
  return result.success ? (result.data as Draft) : null;
}
