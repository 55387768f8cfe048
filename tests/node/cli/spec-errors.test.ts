// Spec errors under `source` name the field and what was expected, as those under `target`
// always did: in parseExperimentSpec (the wizard and experiments.validate use it) and the CLI.
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseExperimentSpec, SpecError } from '@contract/spec';
import { createAppContext } from '../../../main/services/app-context';
import { createHandlers } from '../../../main/services/handlers';
import { dispatch } from '../../../main/services/dispatch';

const dataset = { kind: 'builtin', name: 'shapes' };
const withSource = (source: unknown) => ({ name: 'x', source });
const withTraining = (training: unknown) => withSource({ dataset, model: { architecture: 'mlp' }, training });

function issuesOf(input: unknown): string[] {
  try {
    parseExperimentSpec(input);
  } catch (err) {
    expect(err).toBeInstanceOf(SpecError);
    return (err as SpecError).issues.map((i) => `${i.path}: ${i.message}`);
  }
  throw new Error('the spec was accepted');
}

describe('spec errors under source', () => {
  it.each([
    ['epochs "5"', withTraining({ epochs: '5' }), /^source\.training\.epochs: .*expected number, received string/],
    ['epochs 2.5', withTraining({ epochs: 2.5 }), /^source\.training\.epochs: .*expected int/],
    ['epochs 1e400', withTraining({ epochs: Infinity }), /^source\.training\.epochs: .*received Infinity/],
    ['learningRate "NaN"', withTraining({ learningRate: 'NaN' }), /^source\.training\.learningRate: .*expected number, received string/],
    ['limitPerClass true', withSource({ dataset: { ...dataset, limitPerClass: true }, model: { architecture: 'mlp' } }), /^source\.dataset\.limitPerClass: .*expected number, received boolean/],
    ['unknown architecture', withSource({ dataset, model: { architecture: 'resnet' } }), /^source\.model\.architecture: .*expected one of "seed-cnn"\|"small-cnn"\|"mlp"/],
    ['missing source', { name: 'x' }, /^source: .*expected object, received undefined/],
    ['run of the wrong type', withSource({ run: 5 }), /^source\.run: .*expected string, received number/],
  ])('%s names the field and what was expected', (_what, input, expected) => {
    const issues = issuesOf(input);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(expected);
    expect(issues[0]).not.toMatch(/^source: Invalid input$/);
  });

  it('lists what each form of a union accepts when none is closer', () => {
    expect(issuesOf({ ...withTraining({}), target: { dataset, freeze: 'most' } })).toEqual(['target.freeze: Invalid input: expected "none", "all-but-head" or object']);
  });

  it('reaches experiments.validate and the CLI the same way', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-spec-errors-'));
    const app = createAppContext({ databaseFile: path.join(dir, 'db.sqlite') });
    try {
      const answer = await dispatch(createHandlers(app, 'browser'), 'experiments.validate', { spec: withTraining({ epochs: '5' }) });
      expect(JSON.stringify(answer)).toMatch(/source\.training\.epochs/);
      const file = path.join(dir, 'spec.json');
      fs.writeFileSync(file, JSON.stringify(withTraining({ epochs: '5' })));
      const stderr = await new Promise<string>((resolve) =>
        execFile(process.execPath, [path.resolve('bin/transfer-lab.js'), 'run', file], { env: { ...process.env, TRANSFER_LAB_HOME: dir } }, (_e, _o, err) => resolve(err)),
      );
      expect(stderr.trim()).toBe(`transfer-lab: spec is not a valid experiment spec: source.training.epochs: Invalid input: expected number, received string`);
    } finally {
      await app.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
