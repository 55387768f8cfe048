// The contract between the renderer and the application core: every call the renderer can
// make and every event it can receive, with runtime schemas. Electron IPC (main/electron/ipc.ts),
// browser mode (main/web/server.ts), the preload and the renderer's api.ts all derive
// from this one object; nothing here is typed twice by hand.
//
// Every call takes one object argument. Argument schemas are strict (unknown keys are
// refused), so a payload cannot smuggle fields such as __proto__ through to the core.
import { z } from 'zod';
import { datasetSchema, type ExperimentSpec, type ExperimentSpecInput } from './spec';
import * as r from './results';
import { dialogMethods } from './dialogs';
import type { ErrorCode } from './errors';
import { studyMethods, studyEvents } from './study';
import { experimentEstimateSchema } from './estimate';

export * from './results';
export * from './errors';
export * from './study';
export * from './estimate';

const id = z.string().min(1).max(64).regex(/^[0-9a-z]+$/, 'expected a run or experiment id (lower-case letters and digits)');
const runStatus = r.runStatusSchema;
const runRole = r.runRoleSchema;
const shortText = z.string().max(200);

export const runListQuerySchema = z.object({
  text: shortText.optional(),
  status: z.union([runStatus, z.array(runStatus).max(6)]).optional(),
  role: z.union([runRole, z.array(runRole).max(3)]).optional(),
  tag: z.string().min(1).max(64).optional(),
  dataset: shortText.optional(),
  experimentId: id.optional(),
  parentRunId: id.optional(),
  sort: z.enum(['createdAt', 'startedAt', 'endedAt', 'status', 'role', 'name', 'architecture', 'datasetName', 'testAccuracy', 'experimentName', 'duration', 'transferGain']).optional(),
  order: z.enum(['asc', 'desc']).optional(),
  limit: z.number().int().min(1).max(10_000).optional(),
  offset: z.number().int().min(0).max(10_000_000).optional(),
}).strict();

/**
 * An experiment spec as a call argument: typed as the spec schema's input, and checked by the
 * service with parseExperimentSpec, whose messages name each bad field and what it expected
 * (answered as 'invalid-spec' with the issues, not as a malformed call).
 */
const specArgument = z.custom<ExperimentSpecInput>(() => true);

/** An image sent for prediction: a PNG, JPEG or WebP data URL, at most ~10 MB. */
const imageDataUrl = z.string().max(14_000_000).regex(/^data:image\/(png|jpeg|webp|gif);base64,[A-Za-z0-9+/=]+$/, 'expected a data:image/…;base64 URL');

export const methods = {
  'app.info': { args: z.object({}).strict(), result: r.appInfoSchema },
  'datasets.preview': {
    args: z.object({ dataset: datasetSchema, perClass: z.number().int().min(1).max(32).optional(), seed: z.number().int().nonnegative().optional() }).strict(),
    result: r.datasetPreviewSchema,
  },
  'datasets.samples': {
    args: z.object({ dataset: datasetSchema, seed: z.number().int().nonnegative(), ids: z.array(z.string().min(1).max(4096)).max(200) }).strict(),
    result: z.object({ images: z.array(z.object({ id: z.string(), dataUrl: z.string() })) }),
  },
  'experiments.validate': {
    args: z.object({ spec: specArgument }).strict(),
    result: z.union([
      z.object({ ok: z.literal(true), spec: z.custom<ExperimentSpec>(() => true) }),
      z.object({ ok: z.literal(false), issues: z.array(z.object({ path: z.string(), message: z.string() })) }),
    ]),
  },
  /**
   * What the spec's phases will cost on this machine, measured without training: the data
   * counted, the model built (or loaded) and its forward pass timed. Answered by the helper
   * process; a bad spec is 'invalid-spec' with the issues.
   */
  'experiments.estimate': { args: z.object({ spec: specArgument }).strict(), result: experimentEstimateSchema },
  'experiments.start': {
    args: z.object({ spec: specArgument }).strict(),
    result: z.object({ experimentId: z.string(), runs: z.array(z.object({ id: z.string(), role: runRole })) }),
  },
  'experiments.cancel': { args: z.object({ experimentId: id }).strict(), result: z.object({ cancelled: z.boolean() }) },
  'experiments.get': { args: z.object({ experimentId: id }).strict(), result: r.experimentReportSchema },
  'experiments.delete': { args: z.object({ experimentId: id }).strict(), result: z.object({ deleted: z.boolean() }) },
  'experiments.running': { args: z.object({}).strict(), result: z.object({ experimentIds: z.array(z.string()) }) },
  'runs.list': { args: runListQuerySchema, result: r.runPageSchema },
  /** What the list's filters can offer: every dataset and tag in use, with run counts. */
  'runs.facets': {
    args: z.object({}).strict(),
    result: z.object({
      datasets: z.array(z.object({ name: z.string(), runs: z.number() })),
      tags: z.array(z.object({ tag: z.string(), runs: z.number() })),
    }),
  },
  'runs.trainMore': {
    args: z.object({ runId: id, epochs: z.number().int().min(1).max(10_000) }).strict(),
    result: z.object({ experimentId: z.string(), runs: z.array(z.object({ id: z.string(), role: runRole })) }),
  },
  'runs.resume': {
    args: z.object({ runId: id }).strict(),
    result: z.object({ experimentId: z.string(), runs: z.array(z.object({ id: z.string(), role: runRole })) }),
  },
  'runs.get': { args: z.object({ runId: id }).strict(), result: r.runDetailSchema },
  'runs.delete': { args: z.object({ runId: id }).strict(), result: z.object({ deleted: z.boolean() }) },
  'runs.tag': {
    args: z.object({ runId: id, tag: z.string().trim().min(1).max(64), remove: z.boolean().optional() }).strict(),
    result: z.object({ tags: z.array(z.string()) }),
  },
  'runs.note': { args: z.object({ runId: id, notes: z.string().max(20_000) }).strict(), result: z.object({ ok: z.literal(true) }) },
  'runs.rename': { args: z.object({ runId: id, name: z.string().max(200).nullable() }).strict(), result: z.object({ ok: z.literal(true) }) },
  'runs.compare': { args: z.object({ runIds: z.array(id).min(2).max(10) }).strict(), result: r.comparisonSchema },
  'runs.exportCsv': { args: runListQuerySchema, result: z.object({ csv: z.string(), fileName: z.string() }) },
  'runs.exportBundle': { args: z.object({ runId: id }).strict(), result: z.object({ bundle: z.unknown(), fileName: z.string() }) },
  /** A bundle another Transfer Lab exported (runs.exportBundle), recorded as a new finished run. */
  'runs.importBundle': { args: z.object({ bundle: z.unknown() }).strict(), result: z.object({ runId: z.string() }) },
  'models.summary': {
    args: z.union([
      z.object({ architecture: z.enum(['seed-cnn', 'small-cnn', 'mlp']), inputShape: z.array(z.number().int().min(1).max(4096)).min(1).max(3), numClasses: z.number().int().min(2).max(10_000) }).strict(),
      z.object({ runId: id }).strict(),
    ]),
    result: r.modelSummarySchema,
  },
  'models.predict': {
    args: z.object({ runId: id, images: z.array(imageDataUrl).min(1).max(32), top: z.number().int().min(1).max(10).optional() }).strict(),
    result: z.object({ predictions: z.array(z.object({ top: z.array(z.object({ className: z.string(), probability: z.number() })) })) }),
  },
  'models.export': {
    args: z.object({ runId: id, folder: z.string().min(1).max(4096) }).strict(),
    result: z.object({ path: z.string() }),
  },
  ...dialogMethods,
  ...studyMethods,
} as const;

export type MethodName = keyof typeof methods;
export type MethodArgs<M extends MethodName> = z.input<(typeof methods)[M]['args']>;
export type MethodResult<M extends MethodName> = z.infer<(typeof methods)[M]['result']>;

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.hasOwn(methods, name);
}

/** The error every face returns instead of throwing across a process boundary. */
export interface ApiError {
  code: ErrorCode;
  message: string;
  /** For invalid specs: which fields, and why. */
  issues?: { path: string; message: string }[];
}

export type ApiResponse<T> = { result: T } | { error: ApiError };

export const events = {
  'run-status': r.runStatusEventSchema,
  'run-step': r.runStepEventSchema,
  'run-epoch': r.runEpochEventSchema,
  'run-evaluation': z.object({ experimentId: z.string(), runId: z.string(), accuracy: z.number(), count: z.number() }),
  'experiment-finished': r.experimentFinishedEventSchema,
  'download-progress': z.object({ name: z.string(), file: z.string(), received: z.number(), total: z.number().nullable() }),
  ...studyEvents,
} as const;

export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>;
/** One event as every face carries it: its name and its payload. */
export type ContractEvent = { [E in EventName]: { name: E; payload: EventPayload<E> } }[EventName];

/** What the renderer sees as `window.api` in Electron and as the browser-mode client. */
export interface TransferLabApi {
  call<M extends MethodName>(method: M, args: MethodArgs<M>): Promise<ApiResponse<MethodResult<M>>>;
  /** Subscribes to one event; returns the function that unsubscribes. */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** IPC channel names, derived from the contract. */
export const ipcChannel = {
  call: 'transfer-lab:call',
  event: 'transfer-lab:event',
} as const;
export * from './timings';
