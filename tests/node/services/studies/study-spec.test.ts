// The study spec (contract) and its expansion into experiments: field-named errors, defaults,
// "each-depth", one source per seed, one baseline per seed and target setting, pairing.
import { describe, expect, it } from 'vitest';
import { parseStudySpec, studySpecJsonSchema } from '@contract/study';
import { SpecError } from '@contract/spec';
import { eachDepth, planStudy, withSourceRun, SOURCE_RUN_PLACEHOLDER, type LayerInfo } from '../../../../main/services/studies/study-plan';

const experiment = {
  name: 'shapes',
  seed: 5,
  source: { dataset: { kind: 'builtin', name: 'shapes', classes: ['circle', 'square'] }, model: { architecture: 'seed-cnn' }, training: { epochs: 1 } },
  target: { dataset: { kind: 'builtin', name: 'shapes', classes: ['cross', 'ring'], limitPerClass: 10 }, training: { epochs: 2 }, baseline: true },
};

function issuesOf(input: unknown): { path: string; message: string }[] {
  try {
    parseStudySpec(input);
  } catch (err) {
    expect(err).toBeInstanceOf(SpecError);
    return (err as SpecError).issues;
  }
  throw new Error('expected the spec to be refused');
}

// seed-cnn's layers on 28×28×1, two classes (as models.summary reports them).
const layers: LayerInfo[] = [
  { name: 'conv1', params: 320 }, { name: 'pool1', params: 0 }, { name: 'conv2', params: 18_496 },
  { name: 'pool2', params: 0 }, { name: 'flatten', params: 0 }, { name: 'dense1', params: 204_928 }, { name: 'head', params: 258 },
];

describe('the study spec', () => {
  it('fills defaults: 3 seeds from the experiment seed, its own freeze, examples per class and learning rate', () => {
    const s = parseStudySpec({ experiment });
    expect(s.seeds).toEqual([5, 6, 7]);
    expect(s.freeze).toEqual(['none']);
    expect(s.targetPerClass).toEqual([10]);
    expect(s.learningRate).toEqual([0.001]);
    expect(s.regularization).toEqual([{ kind: 'none' }]);
    expect(s.name).toBe('Study: shapes');
  });

  it('names each bad field, experiment fields included', () => {
    expect(issuesOf({ experiment, seeds: 0 })).toEqual([{ path: 'seeds', message: expect.stringMatching(/>=1|at least|too small/i) }]);
    expect(issuesOf({ experiment, seeds: [1, 1] })[0]).toEqual({ path: 'seeds', message: 'expected distinct seeds' });
    expect(issuesOf({ experiment, freeze: 'every-depth' })[0].path).toBe('freeze');
    expect(issuesOf({ experiment, freeze: [{ through: '' }] })[0].path).toMatch(/^freeze/);
    expect(issuesOf({ experiment, targetPerClass: [10, -5] })[0].path).toBe('targetPerClass.1');
    expect(issuesOf({ experiment, learningRate: [] })[0].path).toBe('learningRate');
    expect(issuesOf({ experiment, regularization: [{ kind: 'l3' }] })[0].path).toMatch(/^regularization\.0/);
    expect(issuesOf({ experiment, seed: 3 })[0]).toMatchObject({ path: '(root)', message: expect.stringContaining('seed') });
    expect(issuesOf({ experiment: { ...experiment, source: { ...experiment.source, training: { epochs: 'two' } } } })[0].path)
      .toBe('experiment.source.training.epochs');
    expect(issuesOf({ experiment: { ...experiment, target: undefined } })).toEqual([
      { path: 'experiment.target', message: 'a study compares transfer with training from scratch: expected a target' },
    ]);
    expect(issuesOf({ seeds: 2 })).toEqual([{ path: 'experiment', message: 'expected an experiment spec (with a target)' }]);
    expect(issuesOf([])[0].path).toBe('(root)');
    const imported = { ...experiment, source: { ...experiment.source, model: { import: '/m' } } };
    expect(issuesOf({ experiment: imported, freeze: 'each-depth' })[0]).toMatchObject({ path: 'freeze', message: expect.stringContaining('built-in architecture') });
  });

  it('has a JSON Schema with the axes and the experiment', () => {
    const schema = studySpecJsonSchema() as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties).sort()).toEqual(['experiment', 'freeze', 'learningRate', 'name', 'regularization', 'seeds', 'targetPerClass']);
    expect(schema.required).toContain('experiment');
    expect(JSON.stringify(schema.properties.experiment)).toContain('"target"');
  });
});

describe('expanding a study', () => {
  it('"each-depth" is none, through each weighted layer below the head, then all but the head', () => {
    expect(eachDepth(layers)).toEqual(['none', { through: 'conv1' }, { through: 'conv2' }, 'all-but-head']);
  });

  it('shares one source per seed and one baseline per seed and target setting, paired with its transfer runs', () => {
    const study = parseStudySpec({ experiment, seeds: [1, 2, 3], freeze: 'each-depth', targetPerClass: [5, 20] });
    const plan = planStudy(study, layers);
    expect(plan.cells).toHaveLength(8); // 4 depths × 2 sizes
    expect(plan.cells.map((c) => c.frozenDepth)).toEqual([0, 1, 2, 3, 0, 1, 2, 3]);
    expect(plan.cells[0].trainableParams).toBe(320 + 18_496 + 204_928 + 258);
    expect(plan.cells[3].trainableParams).toBe(258);
    expect(plan.cells[5].label).toBe('frozen through conv1 · 20 per class');
    const byKind = (k: string) => plan.jobs.filter((j) => j.kind === k);
    expect(byKind('source')).toHaveLength(3);
    expect(byKind('baseline')).toHaveLength(6); // 3 seeds × 2 sizes
    expect(byKind('transfer')).toHaveLength(24);
    for (const t of byKind('transfer')) {
      const baseline = plan.jobs.find((j) => j.key === t.baselineKey)!;
      const source = plan.jobs.find((j) => j.key === t.sourceKey)!;
      expect(baseline.seed).toBe(t.seed);
      expect(source.seed).toBe(t.seed);
      expect(baseline.sourceKey).toBe(t.sourceKey);
      expect(baseline.spec.seed).toBe(t.spec.seed);
      expect(baseline.spec.target?.dataset).toEqual(t.spec.target?.dataset);
      expect(baseline.spec.target?.training).toEqual(t.spec.target?.training);
      expect(t.spec.target?.baseline).toBe(false);
      expect(baseline.spec.target?.baseline).toBe(true);
      expect(t.spec.source).toEqual({ run: SOURCE_RUN_PLACEHOLDER });
    }
    expect(byKind('source')[0].spec.target).toBeUndefined();
    expect(withSourceRun(byKind('transfer')[0].spec, 'r1').source).toEqual({ run: 'r1' });
  });

  it('reuses an existing source run and trains no source; L2-SP baselines train without it', () => {
    const study = parseStudySpec({
      experiment: { ...experiment, source: { run: 'abc' } },
      seeds: 2,
      regularization: [{ kind: 'none' }, { kind: 'l2-sp', alpha: 0.01, beta: 0.001 }],
    });
    const plan = planStudy(study, null);
    expect(plan.jobs.filter((j) => j.kind === 'source')).toHaveLength(0);
    // L2-SP's baseline is the plain one: one baseline per seed serves both cells.
    expect(plan.jobs.filter((j) => j.kind === 'baseline')).toHaveLength(2);
    expect(plan.jobs.find((j) => j.kind === 'transfer')?.spec.source).toEqual({ run: 'abc' });
    expect(plan.cells.map((c) => c.trainableParams)).toEqual([null, null]);
  });
});

describe('the shipped study example', () => {
  it('is a valid study on built-in data', async () => {
    const fs = await import('node:fs');
    const spec = JSON.parse(fs.readFileSync('resources/examples/studies/shapes-each-depth.json', 'utf8'));
    const study = parseStudySpec(spec, 'shapes-each-depth.json');
    expect(study.freeze).toBe('each-depth');
    expect(study.seeds).toEqual([1, 2, 3, 4, 5]);
    expect(study.experiment.source).toMatchObject({ dataset: { kind: 'builtin' } });
  });
});
