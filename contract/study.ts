// The study spec: an experiment spec plus axes to sweep. A study expands into experiments
// (see main/services/studies/study-plan.ts): one source model per seed, one from-scratch
// baseline per seed and target setting, and one transfer run per seed and cell, paired with
// the baseline of its seed. Documented in docs/experiment-spec.md ("Studies").
import { z } from 'zod';
import { freezeSchema, regularizationSchema, parseExperimentSpec, experimentSpecJsonSchema, SpecError, type ExperimentSpec, type FreezeSpec, type RegularizationSpec } from './spec';

const seedValue = z.number().int().nonnegative().max(2 ** 31 - 1);

export const studyAxesSchema = z.object({
  name: z.string().min(1).max(200).optional(),
  /** How many repetitions (seeds experiment.seed, +1, +2, …), or the seeds themselves. */
  seeds: z.union([
    z.number().int().min(1).max(100),
    z.array(seedValue).min(1).max(100).refine((s) => new Set(s).size === s.length, 'expected distinct seeds'),
  ]).default(3),
  /** Freeze settings to compare, or "each-depth": none, through each weighted layer in turn, all but the head. */
  freeze: z.union([z.literal('each-depth'), z.array(freezeSchema).min(1).max(64)]).optional(),
  /** Target training examples per class (the learning curve); each becomes target.dataset.limitPerClass. */
  targetPerClass: z.array(z.number().int().positive().max(1_000_000)).min(1).max(32).optional(),
  /** Target learning rates to compare. */
  learningRate: z.array(z.number().positive().max(10)).min(1).max(16).optional(),
  /** Target regularisations to compare. */
  regularization: z.array(regularizationSchema).min(1).max(16).optional(),
}).strict();

export const studySpecSchema = studyAxesSchema.extend({
  /** The experiment every cell starts from; it needs a target (the study compares it with training from scratch). */
  experiment: z.unknown(),
});

/** A parsed study: the axes with defaults filled, the experiment parsed and checked. */
export interface StudySpec {
  name: string;
  seeds: number[];
  freeze: FreezeSpec[] | 'each-depth';
  targetPerClass: (number | null)[];
  learningRate: number[];
  regularization: RegularizationSpec[];
  experiment: ExperimentSpec & { target: NonNullable<ExperimentSpec['target']> };
}
export type StudySpecInput = z.input<typeof studySpecSchema>;

/** Parses a study spec; throws SpecError naming each bad field (experiment fields as experiment.…). */
export function parseStudySpec(input: unknown, origin = 'study spec'): StudySpec {
  const fail = (issues: { path: string; message: string }[]): never => {
    throw new SpecError(`${origin} is not a valid study spec: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  };
  const parsed = studySpecSchema.safeParse(input);
  const issues: { path: string; message: string }[] = parsed.success
    ? []
    : parsed.error.issues
      .filter((i) => i.path[0] !== 'experiment') // the experiment is parsed (and explained) below
      .map((i) => ({ path: i.path.length ? i.path.join('.') : '(root)', message: i.message }));
  const raw = input as { experiment?: unknown } | null;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail([{ path: '(root)', message: 'expected an object with "experiment" and the axes to sweep' }]);
  let experiment: ExperimentSpec | undefined;
  if (raw?.experiment === undefined) {
    issues.push({ path: 'experiment', message: 'expected an experiment spec (with a target)' });
  } else {
    try {
      experiment = parseExperimentSpec(raw.experiment);
    } catch (err) {
      if (!(err instanceof SpecError)) throw err;
      issues.push(...err.issues.map((i) => ({ path: i.path === '(root)' ? 'experiment' : `experiment.${i.path}`, message: i.message })));
    }
  }
  if (experiment && !experiment.target) {
    issues.push({ path: 'experiment.target', message: 'a study compares transfer with training from scratch: expected a target' });
  }
  if (issues.length > 0 || !parsed.success || !experiment?.target) return fail(issues);
  const axes = parsed.data;
  const target = experiment.target;
  if (axes.freeze === 'each-depth' && 'run' in experiment.source === false && !('architecture' in experiment.source.model)) {
    fail([{ path: 'freeze', message: '"each-depth" needs a built-in architecture or a source.run to read the layers from' }]);
  }
  const seeds = typeof axes.seeds === 'number' ? Array.from({ length: axes.seeds }, (_, i) => experiment.seed + i) : axes.seeds;
  return {
    name: axes.name ?? `Study: ${experiment.name}`,
    seeds,
    freeze: axes.freeze ?? [target.freeze],
    targetPerClass: axes.targetPerClass ?? [target.dataset.limitPerClass ?? null],
    learningRate: axes.learningRate ?? [target.training.learningRate],
    regularization: axes.regularization ?? [target.regularization],
    experiment: { ...experiment, target },
  };
}

/** The JSON Schema of study specs (the experiment field is an experiment spec). */
export function studySpecJsonSchema(): unknown {
  const schema = z.toJSONSchema(studyAxesSchema, { io: 'input' }) as { properties: Record<string, unknown>; required?: string[] };
  schema.properties.experiment = experimentSpecJsonSchema();
  schema.required = [...(schema.required ?? []), 'experiment'];
  return schema;
}

// ── What the study face answers (studies.get, studies.list) ──────────────────────────────

const interval = z.tuple([z.number(), z.number()]).nullable();
const experimentStatus = z.enum(['pending', 'running', 'completed', 'failed', 'cancelled']);
export const studyStatusSchema = z.enum(['running', 'completed', 'failed', 'cancelled', 'interrupted']);

export const studyCellReportSchema = z.object({
  key: z.string(),
  label: z.string(),
  freeze: freezeSchema,
  frozenDepth: z.number(),
  targetPerClass: z.number().nullable(),
  learningRate: z.number(),
  regularization: regularizationSchema,
  trainableParams: z.number().nullable(),
  seeds: z.number(),
  meanGain: z.number().nullable(),
  sdGain: z.number().nullable(),
  gainInterval: interval,
  meanTransferAccuracy: z.number().nullable(),
  meanBaselineAccuracy: z.number().nullable(),
  transferAccuracyInterval: interval,
  baselineAccuracyInterval: interval,
  meanEpochsToBaseline: z.number().nullable(),
  reachedBaseline: z.number(),
  verdict: z.enum(['helps', 'hurts', 'within-noise', 'too-few-seeds']),
  verdictText: z.string(),
  /** Every seed's pair: the runs behind the point. */
  pairs: z.array(z.object({
    seed: z.number(),
    transferRunId: z.string(),
    baselineRunId: z.string(),
    transferAccuracy: z.number(),
    baselineAccuracy: z.number(),
    gain: z.number(),
    epochReachingBaseline: z.number().nullable(),
  })),
});

/** Experiments (sources, baselines, transfers) and cells (a cell is done when every seed of it is). */
export const studyProgressSchema = z.object({
  done: z.number(),
  failed: z.number(),
  running: z.number(),
  total: z.number(),
  cellsDone: z.number(),
  cells: z.number(),
});

export const studyReportSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: studyStatusSchema,
  createdAt: z.number(),
  endedAt: z.number().nullable(),
  error: z.string().nullable(),
  concurrency: z.number().nullable(),
  trainingThreads: z.number().nullable(),
  seeds: z.array(z.number()),
  spec: z.unknown(),
  progress: studyProgressSchema,
  /** How the intervals are computed, in words. */
  method: z.string(),
  cells: z.array(studyCellReportSchema),
  recommendation: z.object({ cellKey: z.string().nullable(), text: z.string() }),
  experiments: z.array(z.object({
    key: z.string(),
    kind: z.enum(['source', 'baseline', 'transfer']),
    seed: z.number(),
    cellKey: z.string().nullable(),
    status: experimentStatus,
    experimentId: z.string().nullable(),
    runId: z.string().nullable(),
    error: z.string().nullable(),
  })),
});

export const studySummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  status: studyStatusSchema,
  createdAt: z.number(),
  endedAt: z.number().nullable(),
  cells: z.number(),
  seeds: z.number(),
  progress: studyProgressSchema,
});

const studyId = z.string().min(1).max(64).regex(/^[0-9a-z]+$/, 'expected a study id (lower-case letters and digits)');
const concurrency = z.number().int().min(1).max(256).optional();

/** The study face of the contract (merged into `methods` in index.ts). */
export const studyMethods = {
  'studies.start': {
    args: z.object({ spec: z.unknown(), concurrency }).strict(),
    result: z.object({ studyId: z.string(), total: z.number(), remaining: z.number(), concurrency: z.number(), trainingThreads: z.number() }),
  },
  /** Runs an interrupted, cancelled or failed study's unfinished experiments. */
  'studies.resume': {
    args: z.object({ studyId, concurrency }).strict(),
    result: z.object({ studyId: z.string(), total: z.number(), remaining: z.number(), concurrency: z.number(), trainingThreads: z.number() }),
  },
  'studies.get': { args: z.object({ studyId }).strict(), result: studyReportSchema },
  'studies.list': { args: z.object({}).strict(), result: z.object({ studies: z.array(studySummarySchema) }) },
  'studies.cancel': { args: z.object({ studyId }).strict(), result: z.object({ cancelled: z.boolean() }) },
  /** Deletes the study and the experiments it ran (a reused source.run is not the study's and stays). */
  'studies.delete': { args: z.object({ studyId }).strict(), result: z.object({ deleted: z.boolean() }) },
} as const;

export const studyEvents = {
  'study-progress': studyProgressSchema.extend({ studyId: z.string(), etaMs: z.number().nullable() }),
  'study-finished': z.object({ studyId: z.string(), status: studyStatusSchema }),
} as const;

export type StudyReport = z.infer<typeof studyReportSchema>;
export type StudyCellReport = z.infer<typeof studyCellReportSchema>;
export type StudySummary = z.infer<typeof studySummarySchema>;
