// "Re-open in wizard": a recorded spec becomes wizard choices that rebuild the same spec.
import { describe, expect, it } from 'vitest';
import { draftFromSpec, resolvePendingFreeze } from '../../../renderer/src/wizard/draft-from-spec';
import { fineTuneSpec, sourceSpec } from '../../../renderer/src/wizard/experiment-specs';
import { experimentSpecSchema } from '@contract/spec';

const layers = ['conv1', 'pool1', 'flatten', 'dense1', 'head'].map((name) => ({ name, type: 'x', outputShape: [null, 1], params: 1, trainable: true }));

describe('draftFromSpec', () => {
  it('rebuilds the source spec it came from', () => {
    const spec = experimentSpecSchema.parse({
      name: 'digits',
      seed: 9,
      source: {
        dataset: { kind: 'builtin', name: 'mnist', classes: [0, 1, 2], limitPerClass: 30 },
        model: { architecture: 'small-cnn' },
        training: { epochs: 4, batchSize: 16, optimizer: 'sgd', learningRate: 0.01, validationSplit: 0.25, earlyStopping: { patience: 2 } },
      },
    });
    const draft = draftFromSpec(spec)!;
    const rebuilt = experimentSpecSchema.parse(sourceSpec(draft));
    expect(rebuilt.source).toEqual(spec.source);
    expect(rebuilt.seed).toBe(9);
    expect(rebuilt.trainingThreads).toBeUndefined();
  });

  it('carries the training threads Settings chose into both specs, and back', () => {
    const spec = experimentSpecSchema.parse({
      name: 'digits on one thread',
      trainingThreads: 1,
      source: { dataset: { kind: 'builtin', name: 'mnist' }, model: { architecture: 'seed-cnn' } },
    });
    const draft = draftFromSpec(spec)!;
    expect(draft.trainingThreads).toBe(1);
    expect(experimentSpecSchema.parse(sourceSpec(draft)).trainingThreads).toBe(1);
    const fineTune = fineTuneSpec({ ...draft, sourceRunId: 'abc123', targetData: draft.sourceData }, layers);
    expect(experimentSpecSchema.parse(fineTune).trainingThreads).toBe(1);
  });

  it('keeps the target settings, and resolves a freeze rule once the layers are known', () => {
    const draft = draftFromSpec({
      name: 'fine-tune',
      source: { run: 'abc123' },
      target: {
        dataset: { kind: 'csv', path: '/data/x.csv', label: 'y' },
        freeze: { through: 'pool1' },
        head: 'replace',
        regularization: { kind: 'l2-sp', alpha: 0.1, beta: 0.01 },
        baseline: true,
        training: { epochs: 7 },
      },
    })!;
    expect(draft.sourceMode).toBe('reuse');
    expect(draft.step).toBe('target-data');
    expect(draft.targetData).toMatchObject({ origin: 'csv', path: '/data/x.csv', labelColumn: 'y' });
    expect(draft.pendingFreeze).toEqual({ through: 'pool1' });
    draft.frozen = resolvePendingFreeze(draft.pendingFreeze!, layers);
    expect(draft.frozen).toEqual(['conv1', 'pool1']);
    const target = experimentSpecSchema.parse(fineTuneSpec(draft, layers)).target!;
    expect(target.freeze).toEqual({ through: 'pool1' });
    expect(target.regularization).toEqual({ kind: 'l2-sp', alpha: 0.1, beta: 0.01 });
    expect(target.training.epochs).toBe(7);
  });

  it('refuses what is not a spec', () => {
    expect(draftFromSpec({ name: 'x' })).toBeNull();
    expect(draftFromSpec(null)).toBeNull();
  });
});
