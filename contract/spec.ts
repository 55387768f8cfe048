// The experiment spec: one JSON document that describes an experiment. The wizard builds
// it, the CLI reads it, the store keeps it. This file is its only definition; the JSON
// Schema (`transfer-lab schema`) and the TypeScript types are derived from it.
// Every field is documented in docs/experiment-spec.md.
import { z } from 'zod';

const positiveInt = z.number().int().positive();

/** Options every dataset kind shares. */
const datasetOptions = {
  /** Which labels (numbers) or class names to keep; the rest are dropped. */
  classes: z.array(z.union([z.number().int().nonnegative(), z.string().min(1)])).min(2).optional(),
  /** At most this many training samples per class (after the test split). */
  limitPerClass: positiveInt.optional(),
  /** Fraction held out as the test set when the source has no test set of its own. */
  testSplit: z.number().gt(0).lt(1).optional(),
  /** Resize every image to [height, width]. */
  imageSize: z.tuple([positiveInt.max(1024), positiveInt.max(1024)]).optional(),
  /** Convert every image to 1 (gray) or 3 (RGB) channels. */
  channels: z.union([z.literal(1), z.literal(3)]).optional(),
};

export const builtinDatasetSchema = z.object({
  kind: z.literal('builtin'),
  name: z.enum(['mnist', 'shapes']),
  ...datasetOptions,
}).strict();

export const idxDatasetSchema = z.object({
  kind: z.literal('idx'),
  images: z.string().min(1),
  labels: z.string().min(1),
  testImages: z.string().min(1).optional(),
  testLabels: z.string().min(1).optional(),
  /** Names for the numeric labels, in label order. */
  classNames: z.array(z.string().min(1)).optional(),
  ...datasetOptions,
}).strict();

export const cifar10DatasetSchema = z.object({
  kind: z.literal('cifar10'),
  path: z.string().min(1),
  ...datasetOptions,
}).strict();

export const folderDatasetSchema = z.object({
  kind: z.literal('folder'),
  path: z.string().min(1),
  ...datasetOptions,
}).strict();

export const csvDatasetSchema = z.object({
  kind: z.literal('csv'),
  path: z.string().min(1),
  label: z.string().min(1),
  /** Optional held-out CSV with the same columns. */
  testPath: z.string().min(1).optional(),
  ...datasetOptions,
}).strict();

export const downloadDatasetSchema = z.object({
  kind: z.literal('download'),
  name: z.enum(['mnist', 'fashion-mnist', 'cifar10']),
  ...datasetOptions,
}).strict();

export const datasetSchema = z.discriminatedUnion('kind', [
  builtinDatasetSchema,
  idxDatasetSchema,
  cifar10DatasetSchema,
  folderDatasetSchema,
  csvDatasetSchema,
  downloadDatasetSchema,
]);

export const architectureNames = ['seed-cnn', 'small-cnn', 'mlp'] as const;

export const modelSchema = z.union([
  z.object({ architecture: z.enum(architectureNames) }).strict(),
  z.object({ import: z.string().min(1) }).strict(),
  z.object({ pretrained: z.enum(['mobilenet-v1-0.25']) }).strict(),
]);

export const augmentationSchema = z.object({
  flip: z.boolean().default(false),
  /** Largest shift as a fraction of width/height. */
  shift: z.number().min(0).max(0.5).default(0),
  /** Largest rotation in degrees. */
  rotation: z.number().min(0).max(45).default(0),
  /** Largest brightness change, added to pixel values in [0, 1]. */
  brightness: z.number().min(0).max(1).default(0),
}).strict();

export const trainingSchema = z.object({
  epochs: positiveInt.max(10_000).default(5),
  batchSize: positiveInt.max(65_536).default(32),
  optimizer: z.enum(['adam', 'sgd', 'rmsprop', 'adadelta']).default('adam'),
  learningRate: z.number().positive().max(10).default(0.001),
  validationSplit: z.number().min(0).lt(1).default(0.1),
  earlyStopping: z.object({ patience: positiveInt.max(1000) }).strict().optional(),
  augmentation: augmentationSchema.optional(),
}).strict();

export const freezeSchema = z.union([
  z.literal('none'),
  z.literal('all-but-head'),
  z.object({ through: z.string().min(1) }).strict(),
  z.object({ layers: z.array(z.string().min(1)) }).strict(),
]);

export const regularizationSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }).strict(),
  z.object({ kind: z.literal('l2'), weight: z.number().nonnegative() }).strict(),
  z.object({ kind: z.literal('l2-sp'), alpha: z.number().nonnegative(), beta: z.number().nonnegative() }).strict(),
]);

export const sourceSchema = z.union([
  z.object({
    dataset: datasetSchema,
    model: modelSchema,
    training: trainingSchema.default(() => trainingSchema.parse({})),
  }).strict(),
  /** Reuse the model of an earlier, completed source run. */
  z.object({ run: z.string().min(1) }).strict(),
]);

export const targetSchema = z.object({
  dataset: datasetSchema,
  freeze: freezeSchema.default('none'),
  head: z.enum(['replace', 'keep']).default('replace'),
  training: trainingSchema.default(() => trainingSchema.parse({})),
  regularization: regularizationSchema.default({ kind: 'none' }),
  /** Also train the same architecture from random weights, to measure the transfer gain. */
  baseline: z.boolean().default(false),
}).strict();

export const backendNames = ['auto', 'tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'] as const;

export const experimentSpecSchema = z.object({
  name: z.string().min(1).max(200),
  seed: z.number().int().nonnegative().max(2 ** 31 - 1).default(42),
  backend: z.enum(backendNames).default('auto'),
  /**
   * Threads for training and inference on WebAssembly. Omit for the default: every core, up
   * to 8 (or TRANSFER_LAB_TRAINING_THREADS). Results agree within float rounding whatever the count.
   */
  trainingThreads: z.number().int().min(1).max(64).optional(),
  source: sourceSchema,
  /** Omit to train only a source model. */
  target: targetSchema.optional(),
}).strict();

export type DatasetSpec = z.infer<typeof datasetSchema>;
export type ModelSpec = z.infer<typeof modelSchema>;
export type TrainingSpec = z.infer<typeof trainingSchema>;
export type AugmentationSpec = z.infer<typeof augmentationSchema>;
export type FreezeSpec = z.infer<typeof freezeSchema>;
export type RegularizationSpec = z.infer<typeof regularizationSchema>;
export type SourceSpec = z.infer<typeof sourceSchema>;
export type TargetSpec = z.infer<typeof targetSchema>;
export type ExperimentSpec = z.infer<typeof experimentSpecSchema>;
/** What a person writes: defaults may be left out. */
export type ExperimentSpecInput = z.input<typeof experimentSpecSchema>;
export type BackendName = (typeof backendNames)[number];
export type ArchitectureName = (typeof architectureNames)[number];

/** A spec error that names the field and what was expected. */
export class SpecError extends Error {
  readonly errorCode = 'invalid-spec';
  constructor(message: string, readonly issues: { path: string; message: string }[]) {
    super(message);
    this.name = 'SpecError';
  }
}

/** The slice of a zod issue this file reads. */
interface Issue {
  code: string;
  path: PropertyKey[];
  message: string;
  errors?: Issue[][];
}

/**
 * How far a union branch is from what was written: keys it does not know and fields it needs
 * but did not get. The branch the user meant has none (its errors lie deeper, in the fields).
 */
function mismatch(branch: Issue[]): number {
  return branch.filter((i) => i.code === 'unrecognized_keys' || (i.code === 'invalid_type' && /received undefined$/.test(i.message))).length;
}

/**
 * Zod reports a value that matches no branch of a union (source: a dataset and model, or a
 * run) as just "Invalid input". Explain it with the errors of the branch the user evidently
 * meant, so `source.training.epochs` is named like `target.training.epochs` is; when no
 * branch is closer than the others, say what each would have accepted.
 */
function explain(issues: Issue[], prefix: PropertyKey[] = []): { path: string; message: string }[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors && issue.errors.length > 0) {
      const scores = issue.errors.map(mismatch);
      const best = Math.min(...scores);
      const closest = issue.errors.filter((_, i) => scores[i] === best);
      if (closest.length === 1) return explain(closest[0], path);
      const all = closest.flat();
      const expected = [...new Set(all.map((i) => i.message.replace(/^Invalid (input|option): (expected )?/, '').replace(/, received .*$/, '')))];
      const received = [...new Set(all.map((i) => /, (received .*)$/.exec(i.message)?.[1] ?? ''))];
      const list = expected.length > 1 ? `${expected.slice(0, -1).join(', ')} or ${expected[expected.length - 1]}` : expected[0];
      return [{ path: path.length > 0 ? path.join('.') : '(root)', message: `Invalid input: expected ${list}${received.length === 1 && received[0] ? `, ${received[0]}` : ''}` }];
    }
    return [{ path: path.length > 0 ? path.join('.') : '(root)', message: issue.message }];
  });
}

/** Parses and fills defaults; throws SpecError naming each bad field. */
export function parseExperimentSpec(input: unknown, origin = 'spec'): ExperimentSpec {
  const result = experimentSpecSchema.safeParse(input);
  if (result.success) return result.data;
  const issues = explain(result.error.issues as unknown as Issue[]);
  const lines = issues.map((i) => `${i.path}: ${i.message}`);
  throw new SpecError(`${origin} is not a valid experiment spec: ${lines.join('; ')}`, issues);
}

/** The JSON Schema of the spec, for editors and other tools. */
export function experimentSpecJsonSchema(): unknown {
  return z.toJSONSchema(experimentSpecSchema, { io: 'input' });
}
