// The CLI as users run it: the built bin in a child process, real files, real training.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { longSourceSpec, tinySpec } from '../training/tiny-specs';
import { CLI_BIN, runCli } from './run-cli';

const bin = CLI_BIN;
let dir: string;

const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(dir, args, env);

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-cli-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5 }));

describe('transfer-lab CLI', () => {
  it('runs an experiment and prints the results as JSON', async () => {
    const spec = path.join(dir, 'spec.json');
    fs.writeFileSync(spec, JSON.stringify(tinySpec({ baseline: true })));
    const { code, stdout, stderr } = await cli(['run', spec, '--json']);
    expect(stderr).toMatch(/source epoch 1/);
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.experimentId).toMatch(/^[0-9a-z]{26}$/);
    expect(out.runs.map((r: { role: string }) => r.role)).toEqual(['source', 'target', 'baseline']);
    const target = out.runs[1];
    expect(target).toMatchObject({ status: 'completed', backend: 'wasm' });
    expect(target.durationMs).toBeGreaterThan(0);
    expect(target.epochs[0]).toEqual(expect.objectContaining({ epoch: 1, loss: expect.any(Number), accuracy: expect.any(Number), valLoss: expect.any(Number), valAccuracy: expect.any(Number) }));
    expect(target.evaluation.confusionMatrix).toHaveLength(2);
    expect(target.evaluation.perClass).toHaveLength(2);
    expect(out.transferGain.accuracyDelta).toBeCloseTo(target.evaluation.accuracy - out.runs[2].evaluation.accuracy, 10);

    const runs = await cli(['runs', '--json']);
    expect(JSON.parse(runs.stdout).total).toBe(3);
    const show = await cli(['show', target.id]);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain(`run ${target.id} (target)`);
    expect(show.stdout).toMatch(/frozen: conv1, pool1/);

    // A run bundle (as the run page downloads it) imports into another data folder.
    const bundle = path.join(dir, 'bundle.json');
    const { exportRunBundle } = await import('../../../main/services/run-bundle');
    const { createStore } = await import('../../../main/store');
    const store = createStore(path.join(dir, 'transfer-lab.sqlite'));
    fs.writeFileSync(bundle, JSON.stringify(exportRunBundle(store, target.id).bundle));
    store.close();
    const otherHome = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-cli-other-'));
    const imported = await cli(['import', bundle], { TRANSFER_LAB_HOME: otherHome });
    expect(imported.stderr).toBe('');
    expect(imported.stdout).toMatch(/^imported run [0-9a-z]{26} \(target, completed\)/);
    const listed = JSON.parse((await cli(['runs', '--json'], { TRANSFER_LAB_HOME: otherHome })).stdout);
    expect(listed.rows[0].testAccuracy).toBe(target.evaluation.accuracy);
    fs.rmSync(otherHome, { recursive: true, force: true, maxRetries: 5 });
  });

  it('prints the transfer gain with its interval, the test-set size and a verdict', async () => {
    const spec = path.join(dir, 'spec-text.json');
    fs.writeFileSync(spec, JSON.stringify(tinySpec({ baseline: true })));
    const { code, stdout } = await cli(['run', spec]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^transfer gain: [+−]\d+\.\d points of test accuracy \(95 % interval [+−]\d+\.\d to [+−]\d+\.\d, \d+ test images\): (transfer helped|transfer hurt|within noise \(the interval contains 0\)); by (validation|training) accuracy, /m);
  });

  it('answers bad input with one clear line and a non-zero exit', async () => {
    const missing = await cli(['run', path.join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/spec file not found: .*nope\.json/);

    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({ name: 'x', source: { dataset: { kind: 'builtin', name: 'mnist' }, model: { architecture: 'resnet' } } }));
    const invalid = await cli(['run', bad]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr.trim().split('\n')).toHaveLength(1);
    expect(invalid.stderr).toMatch(/source/);
    expect(invalid.stderr).not.toMatch(/\n\s+at /);

    const notJson = path.join(dir, 'broken.json');
    fs.writeFileSync(notJson, '{ "name": ');
    const broken = await cli(['run', notJson]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/broken\.json is not valid JSON/);

    const unknown = await cli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "frobnicate"/);
  });

  it('fails a run whose dataset is missing, naming the path, and keeps the record', async () => {
    const spec = path.join(dir, 'missing-data.json');
    fs.writeFileSync(spec, JSON.stringify({ name: 'missing data', backend: 'wasm', source: { dataset: { kind: 'folder', path: path.join(dir, 'no-such-folder') }, model: { architecture: 'mlp' } } }));
    const { code, stdout, stderr } = await cli(['run', spec, '--json']);
    // A mistake in the input, though found by the worker: exit 2 and one line, as for a schema error.
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^transfer-lab: image folder not found: .*no-such-folder\n$/);
    const out = JSON.parse(stdout);
    expect(out.runs[0].status).toBe('failed');
    expect(out.runs[0].error).toMatch(/^image folder not found: .*no-such-folder$/);
  });

  // A test cannot press Ctrl-C for a child on Windows: child.kill('SIGINT') there is TerminateProcess.
  it.skipIf(process.platform === 'win32')('Ctrl-C cancels a run cleanly: exit 130, the run cancelled with its epochs kept (POSIX only: Windows has no SIGINT a test can send)', async () => {
    const spec = path.join(dir, 'long.json');
    fs.writeFileSync(spec, JSON.stringify(longSourceSpec(500)));
    const child = spawn(process.execPath, [bin, 'run', spec], { env: { ...process.env, TRANSFER_LAB_HOME: dir } });
    let stderr = '';
    const twoEpochs = new Promise<void>((resolve) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (/source epoch 2:/.test(stderr)) resolve();
      });
    });
    await twoEpochs;
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(130);
    expect(stderr).toMatch(/Cancelling/);
    const runs = JSON.parse((await cli(['runs', '--json', '--text', 'long shapes source'])).stdout);
    expect(runs.rows[0].status).toBe('cancelled');
    const shown = JSON.parse((await cli(['show', runs.rows[0].id, '--json'])).stdout);
    expect(shown.report.epochs.length).toBeGreaterThanOrEqual(2);
  });

  it('prints the JSON Schema of the spec', async () => {
    const { code, stdout } = await cli(['schema']);
    expect(code).toBe(0);
    const schema = JSON.parse(stdout);
    expect(schema.properties.source).toBeDefined();
    expect(JSON.stringify(schema)).toContain('l2-sp');
  });

  it('doctor names the backend in use and why the faster ones were skipped', async () => {
    const { code, stdout } = await cli(['doctor']);
    expect(code).toBe(0);
    // webgpu on a machine with a hardware GPU adapter; wasm on CI and the reference machines.
    expect(stdout).toMatch(/backend\s+(wasm|webgpu)/);
    expect(stdout).toMatch(/skipped tensorflow-gpu: not installed/);
  });
});
