// Messages between the application core and its helper process: the long-lived worker that
// does the heavy requests of the UI (model summaries, predictions with image decoding,
// dataset previews and sample images, cost estimates), so that none of them blocks the process that serves
// the window and writes the database. Requests carry an id; answers name it.
import type { ErrorCode } from '@contract/errors';
import type { DatasetPreview } from '@contract/results';
import type { ArchitectureName, DatasetSpec, ExperimentSpec } from '@contract/spec';
import type { ExperimentEstimate } from '@contract/estimate';
import type { ModelSummary } from '../engine/model';
import type { GpuAdapterRecord } from '../engine/accel/webgpu';

/** Each request the helper answers: its arguments and its result. */
export interface HelperMethods {
  /** The tfjs backend the helper chose (the one summaries and predictions use), and tfjs's version. */
  backend: { args: Record<string, never>; result: { name: string; skipped: { backend: string; reason: string }[]; tfjsVersion: string; gpuAdapter?: GpuAdapterRecord } };
  summaryOfArchitecture: { args: { architecture: ArchitectureName; inputShape: number[]; numClasses: number }; result: ModelSummary };
  summaryOfModel: { args: { modelDir: string }; result: ModelSummary };
  predict: {
    args: { modelDir: string; classNames: string[]; images: string[]; top: number; runId: string };
    result: { predictions: { top: { className: string; probability: number }[] }[] };
  };
  preview: { args: { dataset: DatasetSpec; seed: number; perClass?: number; dataFolder: string }; result: DatasetPreview };
  /** What the experiment's phases will cost here, measured without training (experiment-estimate.ts). */
  estimate: { args: { spec: ExperimentSpec; sourceModelDir?: string; dataFolder: string }; result: ExperimentEstimate };
  samples: { args: { dataset: DatasetSpec; seed: number; ids: string[]; dataFolder: string }; result: { images: { id: string; dataUrl: string }[] } };
}

export type HelperMethod = keyof HelperMethods;

export type ToHelper = { [M in HelperMethod]: { type: 'request'; id: number; method: M; args: HelperMethods[M]['args'] } }[HelperMethod];

export type FromHelper =
  | { type: 'ready' }
  | { type: 'result'; id: number; result: unknown }
  | { type: 'error'; id: number; message: string; errorCode: ErrorCode; issues?: { path: string; message: string }[] }
  /** A dataset the request needs is being downloaded. */
  | { type: 'download-progress'; id: number; name: string; file: string; received: number; total: number | null };
