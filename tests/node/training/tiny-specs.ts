// Small real experiments for tests: built-in shapes data, a few dozen images, seed-cnn.
import type { ExperimentSpecInput } from '@contract/spec';

export function tinySpec(overrides: { sourceEpochs?: number; targetEpochs?: number; baseline?: boolean; perClass?: number } = {}): ExperimentSpecInput {
  return {
    name: 'tiny shapes transfer',
    seed: 3,
    backend: 'wasm',
    source: {
      dataset: { kind: 'builtin', name: 'shapes', limitPerClass: overrides.perClass ?? 20 },
      model: { architecture: 'seed-cnn' },
      training: { epochs: overrides.sourceEpochs ?? 1, batchSize: 16, validationSplit: 0.2 },
    },
    target: {
      dataset: { kind: 'builtin', name: 'shapes', classes: ['circle', 'square'], limitPerClass: 12 },
      freeze: { through: 'pool1' },
      head: 'replace',
      training: { epochs: overrides.targetEpochs ?? 1, batchSize: 8, validationSplit: 0.25 },
      baseline: overrides.baseline ?? false,
    },
  };
}

/** A source-only experiment long enough to be cancelled or killed mid-run. */
export function longSourceSpec(epochs = 200): ExperimentSpecInput {
  return {
    name: 'long shapes source',
    seed: 5,
    backend: 'wasm',
    source: {
      dataset: { kind: 'builtin', name: 'shapes', limitPerClass: 10 },
      model: { architecture: 'seed-cnn' },
      training: { epochs, batchSize: 8, validationSplit: 0 },
    },
  };
}
