// Settings a phase derives from the experiment spec, shared by a fresh job and a continued run.
import type { LoadOptions } from '../engine/data/datasets';
import type { Job } from './protocol';
import type { Report } from './train-phase';
import type * as tf from '@tensorflow/tfjs';
import type { ExperimentSpec, RegularizationSpec } from '@contract/spec';
import { applyFreeze, buildModel, reinitialisedCopy } from '../engine/model';

/** What the run records as its architecture. */
export function architectureOf(spec: ExperimentSpec): string {
  if ('run' in spec.source) return 'from run ' + spec.source.run;
  const m = spec.source.model;
  if ('architecture' in m) return m.architecture;
  if ('import' in m) return 'imported';
  return m.pretrained;
}

/**
 * The baseline trains with the same weight decay as the target ('l2' is not about transfer),
 * but without L2-SP: a randomly initialised model has no source weights to be pulled toward.
 */
export function baselineRegularization(spec: RegularizationSpec): RegularizationSpec {
  return spec.kind === 'l2' ? spec : { kind: 'none' };
}

/**
 * The from-scratch baseline: the target's architecture with random weights, every layer
 * trainable. A built-in architecture is rebuilt from its seed; otherwise (imported or reused
 * source) the transferred model's config is re-initialised. That config carries the target's
 * `trainable: false` flags, so the freeze is lifted explicitly: a baseline with frozen random
 * layers would understate what training from scratch achieves.
 */
export function baselineModel(spec: ExperimentSpec, transferred: tf.LayersModel, inputShape: number[], numClasses: number): tf.LayersModel {
  const arch = 'run' in spec.source || !('architecture' in spec.source.model) ? undefined : spec.source.model.architecture;
  const model = arch ? buildModel(arch, inputShape, numClasses, spec.seed + 1) : reinitialisedCopy(transferred);
  applyFreeze(model, []);
  return model;
}

/** How the job's datasets load: seeded, cached in the data folder, downloads reported. */
export function loadOptions(job: Job, report: Report, isCancelled?: () => boolean): LoadOptions {
  return {
    seed: job.spec.seed,
    isCancelled,
    dataFolder: job.dataFolder,
    onDownloadProgress: (p) => report({ type: 'download-progress', name: p.name, file: p.file, received: p.received, total: p.total ?? null }),
  };
}
