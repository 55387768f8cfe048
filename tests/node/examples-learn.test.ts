// Every shipped example must visibly learn: its source phase, run as shipped through the
// built CLI (a child process, real training on the built-in data), reaches a test accuracy
// of at least twice chance. The reference article's example once scored below chance.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exampleSpecs } from '../../main/services/app-info';
import { SHAPE_CLASSES } from '../../main/engine/data/datasets/builtin-shapes';

const bin = path.resolve('bin/transfer-lab.js');
let home: string;

beforeAll(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-examples-'));
});
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

function runJson(specFile: string): Promise<{ runs: { role: string; status: string; evaluation?: { accuracy: number; count: number } }[] }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [bin, 'run', specFile, '--json'], { env: { ...process.env, TRANSFER_LAB_HOME: home }, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${specFile}: ${stderr}`));
      else resolve(JSON.parse(stdout));
    });
  });
}

/** How many classes the source phase learns: the kept ones, or all of the built-in set. */
function classCount(dataset: { name?: string; classes?: unknown[] }): number {
  if (dataset.classes && dataset.classes.length > 0) return dataset.classes.length;
  return dataset.name === 'shapes' ? SHAPE_CLASSES.length : 10;
}

describe('every shipped example learns', () => {
  for (const { file, spec } of exampleSpecs()) {
    it(`${path.basename(file)}: the source model's test accuracy is at least twice chance`, async () => {
      const source = (spec as { source: { dataset: { name?: string; classes?: unknown[] } } }).source;
      const sourceOnly = { ...(spec as object), target: undefined };
      const specFile = path.join(home, path.basename(file));
      fs.writeFileSync(specFile, JSON.stringify(sourceOnly));
      const result = await runJson(specFile);
      const run = result.runs.find((r) => r.role === 'source');
      expect(run?.status).toBe('completed');
      const chance = 1 / classCount(source.dataset);
      expect(run?.evaluation?.accuracy ?? 0, `${file}: chance is ${chance}`).toBeGreaterThanOrEqual(2 * chance);
    }, 120_000);
  }
});
