// Messages between the supervisor and a training worker process. The worker never opens
// the database: it reports, and the supervisor (the single writer) records.
import type { ExperimentSpec, BackendName } from '@contract/spec';
import type { EpochMetrics, StepProgress } from '../engine/training/train';
import type { Evaluation } from '../engine/training/evaluate';
import type { RunRole } from './roles';
import type { ErrorCode } from '@contract/errors';
import type { GpuAdapterRecord } from '../engine/accel/webgpu';
import type { PhaseEstimate } from './phase-estimate';
import type { PhaseTimings } from '@contract/timings';

export type { RunRole } from './roles';

/** One phase of an experiment that the worker trains, with the folder it writes into. */
export interface PhasePlan {
  role: RunRole;
  runId: string;
  runDir: string;
}

export interface Job {
  experimentId: string;
  spec: ExperimentSpec;
  phases: PhasePlan[];
  /** When the spec reuses an earlier source run: that run's saved model folder. */
  sourceModelDir?: string;
  /** Folder for downloads and caches. */
  dataFolder: string;
  appVersion: string;
  /**
   * Set when the job continues an earlier run (train more, resume) instead of running the
   * spec's phases: `phases` then holds the one new run, with the earlier run's role.
   */
  continuation?: Continuation;
  /**
   * Threads this job may train with on WebAssembly; set by a study's scheduler so that
   * concurrent jobs × threads stay within the cores. Default: trainingThreads().
   */
  trainingThreads?: number;
}

/** A new run that starts from an earlier run's last checkpoint. */
export interface Continuation {
  kind: 'train-more' | 'resume';
  /** The run being continued (the new run's parent). */
  fromRunId: string;
  /** That run's checkpoint folder (…/checkpoints/last). */
  checkpointDir: string;
  /** Epochs the new run trains (0 for a resume whose last epoch was already done). */
  epochs: number;
  /** For a target run under L2-SP: the source model whose weights it is pulled toward. */
  sourceModelDir?: string;
}

export type ToWorker =
  | { type: 'start'; job: Job }
  | { type: 'cancel' };

export interface EnvironmentInfo {
  backend: string;
  backendRequested: BackendName;
  backendSkipped: { backend: string; reason: string }[];
  tfjsVersion: string;
  appVersion: string;
  os: string;
  arch: string;
  cpu: string;
  cpuCount: number;
  memoryBytes: number;
  /** One line naming the GPU trained on (the WebGPU adapter), when there is one. */
  gpu?: string;
  /** The WebGPU adapter in full (vendor, architecture, driver, limits), when training on 'webgpu'. */
  gpuAdapter?: GpuAdapterRecord;
  nodeVersion: string;
}

export interface PhaseStarted {
  type: 'phase-started';
  runId: string;
  environment: EnvironmentInfo;
  architecture: string;
  hyperparams: Record<string, unknown>;
  frozenLayers: string[];
  dataset: { description: string; classNames: string[]; inputShape: number[]; train: number; validation: number; test: number };
  /** Whether frozen-prefix features were cached, and other facts worth recording. */
  notes: string[];
  warnings: string[];
  /** How long the phase (and a baseline after it) should take, estimated on this machine before it starts. */
  estimate?: PhaseEstimate;
}

/** A process as pid + start time (Unix epoch ms; null where the platform cannot tell). */
export interface WorkerIdentity {
  pid: number;
  startedAt: number | null;
}

export type { PhaseTimings };

export type FromWorker =
  | { type: 'ready'; process?: WorkerIdentity }
  | PhaseStarted
  | { type: 'step'; runId: string; progress: StepProgress }
  | { type: 'epoch'; runId: string; metrics: EpochMetrics }
  | { type: 'evaluation'; runId: string; evaluation: Evaluation }
  | { type: 'artifact'; runId: string; kind: 'model' | 'checkpoint'; path: string; sizeBytes: number }
  | { type: 'phase-finished'; runId: string; status: 'completed' | 'cancelled'; timings?: PhaseTimings }
  | { type: 'log'; message: string }
  | { type: 'download-progress'; name: string; file: string; received: number; total: number | null }
  /** `code`: the contract's error code, which says whether the user's input or a crash is at fault. */
  | { type: 'failed'; runId?: string; message: string; code: ErrorCode }
  | { type: 'done' };
