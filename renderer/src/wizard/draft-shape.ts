// The shape of the wizard's draft: its steps, data choices and every field (draft.ts reads,
// validates and saves it).
import type { architectureNames, backendNames } from '@contract/spec';
import type { Hyperparameters } from './hyperparameters';

export const STEPS = [
  { id: 'source-data', label: 'Source data' },
  { id: 'model', label: 'Model' },
  { id: 'train-source', label: 'Train source' },
  { id: 'target-data', label: 'Target data' },
  { id: 'transfer', label: 'Transfer' },
  { id: 'fine-tune', label: 'Fine-tune' },
  { id: 'results', label: 'Results' },
] as const;
export type StepId = (typeof STEPS)[number]['id'];

export const DATA_ORIGINS = ['builtin', 'download', 'folder', 'idx', 'cifar10', 'csv'] as const;
export type DataOrigin = (typeof DATA_ORIGINS)[number];

export interface DataChoice {
  origin: DataOrigin;
  /** builtin: mnist | shapes; download: mnist | fashion-mnist | cifar10. */
  name: string;
  /** folder, cifar10 and csv: the path; idx: the images file. */
  path: string;
  /** idx only: the labels file. */
  labelsPath: string;
  /** csv only: the label column. */
  labelColumn: string;
  /** Kept class indices (of the full dataset); empty keeps all. */
  classes: number[];
  limitPerClass: number | null;
}

export interface Draft {
  version: 1;
  step: StepId;
  name: string;
  /** False while the name follows the choices (see experiment-name.ts); true once typed. */
  nameEdited: boolean;
  seed: number;
  backend: (typeof backendNames)[number];
  /** Training threads on WebAssembly (Settings); null: every core. Results do not depend on it. */
  trainingThreads: number | null;
  /** 'train': steps 1–3 train a source model; 'reuse': an earlier source run's model. */
  sourceMode: 'train' | 'reuse';
  reuseRunId: string | null;
  sourceData: DataChoice;
  model: { kind: 'architecture' | 'import' | 'pretrained'; architecture: (typeof architectureNames)[number]; importPath: string };
  sourceTraining: Hyperparameters;
  targetData: DataChoice;
  frozen: string[];
  head: 'replace' | 'keep';
  regularization: { kind: 'none' | 'l2' | 'l2-sp'; weight: number; alpha: number; beta: number };
  baseline: boolean;
  targetTraining: Hyperparameters;
  sourceExperimentId: string | null;
  sourceRunId: string | null;
  targetExperimentId: string | null;
  /** What the source run was made from, recorded when it started (see step-status.ts). */
  sourceMadeFrom: Record<string, string> | null;
  /** What the fine-tuning experiment was made from, recorded when it started. */
  targetMadeFrom: Record<string, string> | null;
  /** Source runs this draft trained before the current one, newest first (reused when the settings match again). */
  earlierSources: EarlierSource[];
  /** A freeze rule from a re-opened spec, resolved once the source's layers are known. */
  pendingFreeze?: { through: string } | 'all-but-head' | null;
}

export interface EarlierSource {
  experimentId: string;
  runId: string;
  madeFrom: Record<string, string>;
}
