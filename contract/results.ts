// Schemas of what the core answers and emits. The core's own types (store rows, reports)
// are checked against these at compile time where handlers return them, and the contract
// tests parse real answers with them.
import { z } from 'zod';
import { errorCodeSchema } from './errors';

const nullableNumber = z.number().nullable();

/** The part a run plays in an experiment: declared here once; the store and training derive from it. */
export const runRoleSchema = z.enum(['source', 'target', 'baseline']);
export const runRoles = runRoleSchema.options;
export type RunRole = z.infer<typeof runRoleSchema>;

/** A run's life: declared here once; the store and the supervisor derive from it. */
export const runStatusSchema = z.enum(['queued', 'running', 'completed', 'failed', 'cancelled', 'interrupted']);
export const runStatuses = runStatusSchema.options;
export type RunStatus = z.infer<typeof runStatusSchema>;
export const finalRunStatuses: readonly RunStatus[] = ['completed', 'failed', 'cancelled', 'interrupted'];

const runRole = runRoleSchema;
const runStatus = runStatusSchema;

/** A WebGPU adapter as the engine describes it (vendor, driver, limits; software or not). */
export const gpuAdapterSchema = z.object({
  vendor: z.string(),
  architecture: z.string(),
  device: z.string(),
  description: z.string(),
  driver: z.string(),
  software: z.boolean(),
  softwareReason: z.string().optional(),
  limits: z.object({ maxBufferSize: z.number(), maxStorageBufferBindingSize: z.number() }),
});

export const appInfoSchema = z.object({
  appVersion: z.string(),
  tfjsVersion: z.string(),
  dataFolder: z.string(),
  databaseFile: z.string(),
  platform: z.string(),
  /** Which face asks: the desktop app ('electron'), browser mode ('browser') or the terminal ('cli'). */
  mode: z.enum(['electron', 'browser', 'cli']),
  /** The machine, for diagnostics (`transfer-lab doctor`, Settings). */
  system: z.object({ os: z.string(), arch: z.string(), cpu: z.string(), cpuCount: z.number(), memoryBytes: z.number(), nodeVersion: z.string() }),
  backend: z.object({
    name: z.string(),
    skipped: z.array(z.object({ backend: z.string(), reason: z.string() })),
    /** The WebGPU adapter in use or, when 'auto' passed it over (a software one), the one found. */
    gpuAdapter: gpuAdapterSchema.optional(),
  }),
  examples: z.array(z.object({ file: z.string(), name: z.string(), spec: z.unknown() })),
});

export const datasetPreviewSchema = z.object({
  description: z.string(),
  classNames: z.array(z.string()),
  inputShape: z.array(z.number()),
  counts: z.object({ train: z.array(z.number()), test: z.array(z.number()) }),
  samples: z.array(z.union([
    z.object({ classIndex: z.number(), id: z.string(), kind: z.literal('image'), dataUrl: z.string() }),
    z.object({ classIndex: z.number(), id: z.string(), kind: z.literal('features'), values: z.array(z.number()) }),
  ])),
  warnings: z.array(z.string()),
});

export const classMetricsSchema = z.object({
  className: z.string(),
  precision: z.number(),
  recall: z.number(),
  f1: z.number(),
  support: z.number(),
});

export const misclassifiedSchema = z.object({
  id: z.string(),
  actual: z.number(),
  predicted: z.number(),
  confidence: z.number().optional(),
});

export const epochRowSchema = z.object({
  epoch: z.number(),
  durationMs: nullableNumber,
  loss: nullableNumber,
  accuracy: nullableNumber,
  valLoss: nullableNumber,
  valAccuracy: nullableNumber,
  samplesPerSec: nullableNumber,
});

export const runReportSchema = z.object({
  id: z.string(),
  role: runRole,
  status: runStatus,
  parentRunId: z.string().nullable(),
  error: z.string().nullable(),
  backend: z.string().nullable(),
  durationMs: nullableNumber,
  architecture: z.string().nullable(),
  frozenLayers: z.array(z.string()),
  epochs: z.array(epochRowSchema),
  evaluation: z.object({
    accuracy: z.number(),
    loss: nullableNumber,
    perClass: z.array(classMetricsSchema),
    confusionMatrix: z.array(z.array(z.number())),
    classNames: z.array(z.string()),
    misclassified: z.array(misclassifiedSchema),
  }).nullable(),
  warnings: z.array(z.string()),
});

export const transferGainSchema = z.object({
  accuracyDelta: z.number(),
  epochReachingBaseline: z.number().nullable(),
  targetAccuracy: z.number(),
  baselineAccuracy: z.number(),
  /** The curve epochReachingBaseline compares; null in results recorded before it was kept. */
  reachedOn: z.enum(['validation', 'training']).nullable(),
  /** Test images both models were evaluated on (null: recorded before it was kept). */
  testCount: z.number().nullable(),
  /** 95 % paired-bootstrap interval of accuracyDelta over the test images. */
  interval: z.object({ low: z.number(), high: z.number(), level: z.number(), resamples: z.number() }).nullable(),
});

export const experimentReportSchema = z.object({
  experimentId: z.string(),
  name: z.string(),
  spec: z.unknown(),
  runs: z.array(runReportSchema),
  transferGain: transferGainSchema.nullable(),
});

export const runSchema = z.object({
  id: z.string(),
  experimentId: z.string(),
  experimentName: z.string(),
  role: runRole,
  parentRunId: z.string().nullable(),
  name: z.string().nullable(),
  status: runStatus,
  createdAt: z.number(),
  startedAt: nullableNumber,
  endedAt: nullableNumber,
  error: z.string().nullable(),
  hyperparams: z.record(z.string(), z.unknown()),
  frozenLayers: z.array(z.string()),
  environment: z.record(z.string(), z.unknown()).nullable(),
  dataset: z.unknown(),
  datasetName: z.string().nullable(),
  architecture: z.string().nullable(),
  testAccuracy: nullableNumber,
  ownerPid: nullableNumber,
  runDir: z.string().nullable(),
  notes: z.string(),
  tags: z.array(z.string()),
  transferGain: nullableNumber,
});

export const runPageSchema = z.object({ rows: z.array(runSchema), total: z.number() });

export const metricSeriesSchema = z.object({
  name: z.string(),
  epoch: z.array(z.number()),
  step: z.array(z.number().nullable()),
  value: z.array(z.number().nullable()),
  wallMs: z.array(z.number()),
});

export const runDetailSchema = z.object({
  run: runSchema,
  report: runReportSchema,
  curves: z.array(metricSeriesSchema),
  artifacts: z.array(z.object({ kind: z.string(), path: z.string(), sizeBytes: nullableNumber, createdAt: z.number() })),
  children: z.array(z.object({ id: z.string(), role: runRole, status: runStatus })),
  experimentSpec: z.unknown(),
});

export const comparisonSchema = z.object({
  runs: z.array(runDetailSchema),
  /** Every hyperparameter key with each run's value (JSON text), and whether they differ. */
  parameters: z.array(z.object({ key: z.string(), values: z.array(z.string()), differs: z.boolean() })),
});

export const modelSummarySchema = z.object({
  name: z.string(),
  layers: z.array(z.object({
    name: z.string(),
    type: z.string(),
    outputShape: z.array(z.number().nullable()),
    params: z.number(),
    trainable: z.boolean(),
  })),
  totalParams: z.number(),
  trainableParams: z.number(),
  frozenParams: z.number(),
});

/** One training step's progress, as the engine reports it and every face shows it. */
export const stepProgressSchema = z.object({
  epoch: z.number(),
  /** 1-based step within the epoch. */
  step: z.number(),
  stepsPerEpoch: z.number(),
  /** Global step since the start of training. */
  globalStep: z.number(),
  loss: z.number(),
  accuracy: z.number(),
  samplesPerSec: z.number(),
  etaMs: z.number(),
});

/** One finished epoch's metrics, as the engine reports them. */
export const epochMetricsSchema = z.object({
  epoch: z.number(),
  durationMs: z.number(),
  loss: z.number(),
  accuracy: z.number(),
  valLoss: z.number().optional(),
  valAccuracy: z.number().optional(),
  samplesPerSec: z.number(),
});

/** How long a starting phase should take (ms), estimated on the machine before its work begins. */
export const phaseEstimateSchema = z.object({
  featuresMs: z.number().optional(),
  trainMs: z.number(),
  evaluateMs: z.number(),
  /** The from-scratch baseline after this phase: training and evaluation. */
  baselineMs: z.number().optional(),
});
export type PhaseEstimate = z.infer<typeof phaseEstimateSchema>;

/** A rough duration for estimates: "40 s", "2.5 min", "30 min". */
export const roughDuration = (ms: number): string => (ms < 60_000 ? `${Math.max(1, Math.round(ms / 1000))} s` : `${(ms / 60_000).toFixed(ms < 600_000 ? 1 : 0)} min`);

/** "estimated: feature pass ~40 s, training ~3 s, evaluation ~10 s; the from-scratch baseline after it ~30 min". */
export function describeEstimate(e: PhaseEstimate): string {
  const parts = [];
  if (e.featuresMs !== undefined) parts.push(`feature pass ~${roughDuration(e.featuresMs)}`);
  parts.push(`training ~${roughDuration(e.trainMs)}`, `evaluation ~${roughDuration(e.evaluateMs)}`);
  const baseline = e.baselineMs !== undefined ? `; the from-scratch baseline after it ~${roughDuration(e.baselineMs)}` : '';
  return `estimated: ${parts.join(', ')}${baseline}`;
}
export const runStatusEventSchema = z.object({
  experimentId: z.string(),
  runId: z.string(),
  status: runStatus,
  error: z.string().optional(),
  /** Why a run failed, as the contract's error code (e.g. 'dataset': the user's input; 'internal': a crash). */
  errorCode: errorCodeSchema.optional(),
  /** The backend a run trains on, told when it starts running. */
  backend: z.string().optional(),
  /** How long the phase should take, told when it starts running. */
  estimate: phaseEstimateSchema.optional(),
});
export const runStepEventSchema = z.object({ experimentId: z.string(), runId: z.string(), progress: stepProgressSchema });
export const runEpochEventSchema = z.object({ experimentId: z.string(), runId: z.string(), metrics: epochMetricsSchema });
export const experimentFinishedEventSchema = z.object({
  experimentId: z.string(),
  status: z.enum(['completed', 'failed', 'cancelled']),
  transferGain: transferGainSchema.optional(),
  /** For a failed experiment: the first failure's message and error code. */
  error: z.string().optional(),
  errorCode: errorCodeSchema.optional(),
});

/** One class's test metrics: declared here once; the engine computes them, the store keeps them. */
export type ClassMetrics = z.infer<typeof classMetricsSchema>;
/** A misclassified test sample (confidence: the probability the model gave its prediction). */
export type Misclassified = z.infer<typeof misclassifiedSchema>;
export type AppInfo = z.infer<typeof appInfoSchema>;
export type DatasetPreview = z.infer<typeof datasetPreviewSchema>;
export type EpochRow = z.infer<typeof epochRowSchema>;
export type RunReport = z.infer<typeof runReportSchema>;
export type ExperimentReport = z.infer<typeof experimentReportSchema>;
export type RunInfo = z.infer<typeof runSchema>;
export type RunPageInfo = z.infer<typeof runPageSchema>;
export type RunDetail = z.infer<typeof runDetailSchema>;
export type Comparison = z.infer<typeof comparisonSchema>;
export type ModelSummaryInfo = z.infer<typeof modelSummarySchema>;
export type MetricSeriesInfo = z.infer<typeof metricSeriesSchema>;
export type TransferGainInfo = z.infer<typeof transferGainSchema>;
export type StepProgress = z.infer<typeof stepProgressSchema>;
export type EpochMetrics = z.infer<typeof epochMetricsSchema>;
