// Mistakes in the input that only training finds (a missing folder, an unknown class, a
// freeze layer the model lacks, an unknown source run): one rule for the CLI, exit 2 with one
// line saying what failed; the attempt stays recorded. And skipped files are reported.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeFile, writeSolidImage } from '../../fixtures/dataset-files';
import { tinySpec } from '../training/tiny-specs';
import { runCli } from './run-cli';

let dir: string;

const cli = (args: string[]) => runCli(dir, args);

function spec(name: string, content: unknown): string {
  const file = path.join(dir, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify(content));
  return file;
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-mistakes-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('a mistake found by the worker', () => {
  it.each([
    ['an unknown class', { ...tinySpec(), target: { ...tinySpec().target!, dataset: { kind: 'builtin', name: 'shapes', classes: ['circle', 'hexagon'] } } }, /hexagon/],
    ['a freeze layer the model lacks', { ...tinySpec(), target: { ...tinySpec().target!, freeze: { through: 'conv9' } } }, /conv9/],
    ['a backend that is not installed', { ...tinySpec(), backend: 'tensorflow-gpu' }, /tensorflow-gpu/],
  ])('%s exits 2 with one line naming it, and the failed runs stay recorded', async (what, content, named) => {
    const result = await cli(['run', spec(what.replace(/\W+/g, '-'), content)]);
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n').filter((l) => !/^(source|target|baseline) (epoch|run|test)/.test(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^transfer-lab: /);
    expect(lines[0]).toMatch(named);
    expect(lines[0]).not.toMatch(/not started|earlier run/);
    expect(JSON.parse((await cli(['runs', '--json', '--status', 'failed'])).stdout).total).toBeGreaterThan(0);
  });

  it('an unknown source.run exits 2 naming the field', async () => {
    const result = await cli(['run', spec('unknown-run', { ...tinySpec(), source: { run: 'zzzz' } })]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toMatch(/^transfer-lab: source\.run: no run id starts or ends with "zzzz"$/);
  });

  it('the run that failed says why; only the runs after it say which run they waited for', async () => {
    const missing = path.join(dir, 'gone');
    const content = { ...tinySpec({ baseline: true }), target: { ...tinySpec({ baseline: true }).target!, dataset: { kind: 'folder', path: missing } } };
    const result = await cli(['run', spec('target-missing', content), '--json']);
    expect(result.code).toBe(2);
    const runs = JSON.parse(result.stdout).runs as { role: string; status: string; error: string | null }[];
    expect(runs.map((r) => [r.role, r.status])).toEqual([['source', 'completed'], ['target', 'failed'], ['baseline', 'failed']]);
    expect(runs[1].error).toBe(`image folder not found: ${missing}`);
    expect(runs[2].error).toBe(`not started: the target run failed (image folder not found: ${missing})`);
  });
});

describe('skipped files', () => {
  it('are reported by run and show, with the count and the names', async () => {
    const folder = path.join(dir, 'pictures');
    for (let i = 0; i < 6; i++) {
      await writeSolidImage(path.join(folder, 'red', `r${i}.png`), { r: 220, g: 20, b: 20 }, [8, 8]);
      await writeSolidImage(path.join(folder, 'blue', `b${i}.png`), { r: 20, g: 20, b: 220 }, [8, 8]);
    }
    writeFile(path.join(folder, 'red', 'broken.png'), Buffer.from('not a png'));
    writeFile(path.join(folder, 'blue', 'notes.txt'), 'shot on a sunny day');
    const content = { name: 'pictures', seed: 1, backend: 'wasm', source: { dataset: { kind: 'folder', path: folder, testSplit: 0.25 }, model: { architecture: 'mlp' }, training: { epochs: 1, batchSize: 4, validationSplit: 0 } } };
    const result = await cli(['run', spec('pictures', content)]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/warning: skipped 1 image \(red\/broken\.png: .*\) that could not be decoded/);
    expect(result.stdout).toMatch(/warning: ignored 1 file \(blue\/notes\.txt\) that is not an image/);
    const id = /^source\s+(\w+)/m.exec(result.stdout)![1];
    const show = await cli(['show', id]);
    expect(show.stdout).toMatch(/warning\s+skipped 1 image \(red\/broken\.png/);
    expect(show.stdout).toMatch(/warning\s+ignored 1 file \(blue\/notes\.txt\)/);
  });
});
