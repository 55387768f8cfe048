// The example specs shipped in resources/examples are valid, name only built-in data (so
// they run on a fresh install), and freeze layers the architecture really has.
import { describe, expect, it } from 'vitest';
import { exampleSpecs } from '../../main/services/app-info';
import { parseExperimentSpec } from '@contract/spec';
import { buildModel, resolveFrozenLayers } from '../../main/engine/model';

describe('example specs', () => {
  const examples = exampleSpecs();

  it('are there, and each is a valid spec on built-in data', () => {
    expect(examples.length).toBeGreaterThanOrEqual(4);
    for (const { file, spec } of examples) {
      const parsed = parseExperimentSpec(spec, file);
      if ('run' in parsed.source) throw new Error(`${file} reuses a run, which a fresh install does not have`);
      expect(parsed.source.dataset.kind, file).toBe('builtin');
      if (parsed.target) expect(parsed.target.dataset.kind, file).toBe('builtin');
    }
  });

  it('freeze layers their architecture has', () => {
    for (const { file, spec } of examples) {
      const parsed = parseExperimentSpec(spec, file);
      if ('run' in parsed.source || !parsed.target || !('architecture' in parsed.source.model)) continue;
      const inputShape = parsed.source.dataset.kind === 'builtin' && parsed.source.dataset.name === 'mnist' ? [28, 28, 1] : [32, 32, 3];
      const model = buildModel(parsed.source.model.architecture, inputShape, 3, 1);
      expect(() => resolveFrozenLayers(model, parsed.target!.freeze), file).not.toThrow();
      model.dispose();
    }
  });
});
