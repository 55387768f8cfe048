// `transfer-lab estimate` and `run --no-baseline`, as users run them: the built CLI in a child
// process, real data, real models timed, a real run recorded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tinySpec } from '../training/tiny-specs';
import { runCli } from './run-cli';

let dir: string;
const cli = (args: string[]) => runCli(dir, args);

function writeSpec(name: string, spec: unknown): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(spec));
  return file;
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-estimate-cli-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5 }));

describe('transfer-lab estimate', () => {
  it('prints each phase, the baseline against the fine-tuning, and the same as JSON', async () => {
    const spec = writeSpec('with-baseline.json', tinySpec({ baseline: true }));
    const text = await cli(['estimate', spec]);
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Estimated on this machine for "tiny shapes transfer":/);
    expect(text.stdout).toMatch(/\n {2}source training +(~[\d.]+ (s|min)|under 1 s) +training .*; 1 epoch of 96 samples, 24 validation/);
    expect(text.stdout).toMatch(/\n {2}fine-tuning +.*feature pass .*1 epoch of 18 samples, 6 validation/);
    expect(text.stdout).toMatch(/\n {2}baseline +.*from scratch, (about [\d.]+× the fine-tuning|less than the fine-tuning); leave it out with run --no-baseline/);
    expect(text.stdout).toMatch(/\n {2}total /);
    expect(text.stdout).toMatch(/\nHow: each model's forward pass timed here on wasm/);

    const json = await cli(['estimate', spec, '--json']);
    expect(json.code).toBe(0);
    const e = JSON.parse(json.stdout);
    expect(e.source.totalMs).toBeGreaterThan(0);
    expect(e.target.samples).toEqual({ train: 18, validation: 6, test: expect.any(Number) });
    expect(e.baseline.trainMs).toBeGreaterThan(0);

    const without = JSON.parse((await cli(['estimate', writeSpec('no-baseline.json', tinySpec({ baseline: false })), '--json'])).stdout);
    expect(without.baseline).toBeUndefined();
    expect(without.target.totalMs).toBeGreaterThan(0);
  }, 120_000);

  it('refuses a bad spec with one line naming the field, exit 2', async () => {
    const spec = tinySpec();
    const bad = writeSpec('bad.json', { ...spec, target: { ...spec.target!, training: { epochs: 'many' } } });
    const { code, stdout, stderr } = await cli(['estimate', bad]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/target\.training\.epochs: .*expected number/);
    expect((await cli(['estimate'])).code).toBe(2);
  }, 60_000);
});

describe('transfer-lab run --no-baseline', () => {
  it('says the baseline is left out, and the recorded experiment has none', async () => {
    const spec = writeSpec('run.json', tinySpec({ baseline: true }));
    const { code, stdout, stderr } = await cli(['run', spec, '--no-baseline', '--json']);
    expect(code).toBe(0);
    expect(stderr).toMatch(/^no baseline \(--no-baseline\): the from-scratch baseline the spec asks for is left out/);
    // The estimate line each phase prints as it starts is still there.
    expect(stderr).toMatch(/target run \w+ started \(estimated: feature pass/);
    const report = JSON.parse(stdout);
    expect(report.runs.map((r: { role: string }) => r.role)).toEqual(['source', 'target']);
    expect(report.transferGain ?? null).toBeNull();
    const listed = JSON.parse((await cli(['runs', '--json', '--role', 'baseline'])).stdout);
    expect(listed.total).toBe(0);
  }, 180_000);
});
