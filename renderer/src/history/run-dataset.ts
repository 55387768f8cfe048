// Which dataset spec and seed a run was trained and evaluated on, read from its
// experiment's spec: the source run uses spec.source.dataset, target and baseline runs
// spec.target.dataset. Needed to ask 'datasets.samples' for a run's misclassified images.
import type { MethodArgs } from '@contract';

type DatasetSpec = MethodArgs<'datasets.samples'>['dataset'];

export interface RunDatasetRef {
  dataset: DatasetSpec;
  seed: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Null when the spec lacks the part this role needs (an old or hand-made experiment). */
export function runDatasetRef(experimentSpec: unknown, role: 'source' | 'target' | 'baseline'): RunDatasetRef | null {
  if (!isRecord(experimentSpec)) return null;
  const part = experimentSpec[role === 'source' ? 'source' : 'target'];
  if (!isRecord(part) || !isRecord(part.dataset)) return null;
  const seed = experimentSpec.seed;
  // The core validates the dataset spec when asked; here it only has to be an object.
  return { dataset: part.dataset as DatasetSpec, seed: typeof seed === 'number' && Number.isInteger(seed) && seed >= 0 ? seed : 42 };
}
