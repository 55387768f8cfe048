// Whether a run's frozen-feature pass overlaps the decoding of a cold image folder
// (overlapped-features.ts). Both are CPU-bound: the decoders (sharp) want every core, and so
// does the pass. Measured on 2 cores (npm run bench -- pipeline --sequential, idle), the
// overlapped path took 1.07–1.20× the wall time of decoding first and then running the pass
// on every core, so below MIN_CORES_TO_OVERLAP cores a run decodes first. With more cores
// the decoders leave cores idle that the pass can use. TRANSFER_LAB_OVERLAP_FEATURES=on|off
// overrides the choice (tests, benchmarks, a machine where the other way measures faster).
import os from 'node:os';

export const MIN_CORES_TO_OVERLAP = 4;

export type OverlapMode = 'auto' | 'on' | 'off';

export function overlapMode(env: NodeJS.ProcessEnv = process.env): OverlapMode {
  const value = env.TRANSFER_LAB_OVERLAP_FEATURES;
  if (value === undefined || value === '' || value === 'auto') return 'auto';
  if (value === 'on' || value === 'off') return value;
  throw new Error(`TRANSFER_LAB_OVERLAP_FEATURES must be on, off or auto, got "${value}"`);
}

/** True when the feature pass should run while a cold folder decodes. */
export function overlapFeaturePass(mode: OverlapMode = overlapMode(), cores = os.cpus().length): boolean {
  return mode === 'auto' ? cores >= MIN_CORES_TO_OVERLAP : mode === 'on';
}
