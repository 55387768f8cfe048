// `transfer-lab web` as users run it: the built CLI in a child process. It prints the
// token URL, refuses bad flags and a missing renderer build with one clear line, and on
// SIGTERM cancels the running experiment, records it as cancelled and exits 0.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeRendererFolder } from './web-fixture';
import { longSourceSpec } from '../training/tiny-specs';
import { createStore } from '../../../main/store';

const cli = path.resolve('dist/main/cli.js');
let home: string;
let rendererDir: string;

beforeAll(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-web-cli-'));
  rendererDir = makeRendererFolder(home);
});
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { env: { ...process.env, TRANSFER_LAB_HOME: home, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('transfer-lab web', () => {
  it('refuses a bad port, stray arguments and a missing renderer build with one clear line (exit 2)', async () => {
    const env = { TRANSFER_LAB_RENDERER_DIR: rendererDir };
    for (const port of ['abc', '-1', '70000', '1.5']) {
      const res = await runCli(['web', `--port=${port}`], env);
      expect(res.code).toBe(2);
      expect(res.stderr).toBe(`transfer-lab: --port must be a whole number from 0 to 65535 (0 picks a free port), got "${port}"\n`);
    }
    expect((await runCli(['web', 'extra'], env)).code).toBe(2);
    const missing = await runCli(['web', '--port', '0'], { TRANSFER_LAB_RENDERER_DIR: path.join(home, 'no-such-build') });
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/the browser UI is not built: .*no-such-build\/index\.html is missing\. Run `npm run build` first\./);
  });

  it('prints the token URL, and on SIGTERM cancels running experiments and exits 0', async () => {
    const child = spawn(process.execPath, [cli, 'web', '--port', '0', '--no-open'], {
      env: { ...process.env, TRANSFER_LAB_HOME: home, TRANSFER_LAB_RENDERER_DIR: rendererDir },
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
        const match = /^Transfer Lab is running at (http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43})$/m.exec(stdout);
        if (match) resolve(match[1]);
      });
      child.on('exit', () => reject(new Error(`exited early: ${stderr}`)));
    });
    expect(stdout).toContain(`data folder  ${home}`);
    const { origin, searchParams } = new URL(url);
    const call = (method: string, args: unknown) =>
      fetch(`${origin}/api/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${searchParams.get('token')}` },
        body: JSON.stringify(args),
      }).then((r) => r.json() as Promise<{ result: never }>);

    const { result } = await call('experiments.start', { spec: longSourceSpec() });
    const runId = (result as { runs: { id: string }[] }).runs[0].id;
    // Wait until the worker is training, so shutdown has a real job to cancel.
    for (let i = 0; i < 200; i++) {
      const run = (await call('runs.get', { runId })) as { result: { run: { status: string } } };
      if (run.result.run.status === 'running') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toContain('stopping (cancelling 1 running experiment)');

    const store = createStore(path.join(home, 'transfer-lab.sqlite'));
    try {
      expect(store.runs.require(runId).status).toBe('cancelled');
    } finally {
      store.close();
    }
  });
});
