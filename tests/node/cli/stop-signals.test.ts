// Every way of stopping `transfer-lab run` goes through the supervisor's cancel: Ctrl-C sent to
// the terminal's whole process group (as a terminal does), SIGTERM, and SIGHUP (the terminal
// closed). The worker sits in its own process group, so it is asked to stop rather than
// killed by the signal: the worker ends the run as cancelled itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { longSourceSpec } from '../training/tiny-specs';

const bin = path.resolve('bin/transfer-lab.js');
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-stop-'));
  fs.writeFileSync(path.join(dir, 'long.json'), JSON.stringify(longSourceSpec(500)));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function listRuns(): Promise<{ id: string; status: string; error: string | null }[]> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, 'runs', '--json', '--limit', '100'], { env: { ...process.env, TRANSFER_LAB_HOME: dir } }, (_e, stdout) => resolve(JSON.parse(stdout).rows));
  });
}

// POSIX process groups and signals; Windows has neither (its console events are mapped to
// SIGINT/SIGHUP/SIGBREAK by Node and handled by the same code, stop-signals.ts).
describe.skipIf(process.platform === 'win32')('stopping `transfer-lab run`', () => {
  it.each([
    ['Ctrl-C to the whole process group', 'SIGINT', true],
    ['SIGTERM', 'SIGTERM', false],
    ['SIGHUP (terminal closed)', 'SIGHUP', false],
  ] as const)('%s cancels through the supervisor: exit 130, the worker ends the run as cancelled', async (_what, signal, toGroup) => {
    const before = new Set((await listRuns()).map((r) => r.id));
    const child = spawn(process.execPath, [bin, 'run', path.join(dir, 'long.json')], {
      env: { ...process.env, TRANSFER_LAB_HOME: dir },
      detached: true, // its own process group, like a shell job
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (/source epoch 2:/.test(stderr)) resolve();
      });
    });
    process.kill(toGroup ? -child.pid! : child.pid!, signal);
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(130);
    expect(stderr).toMatch(/Cancelling/);
    const run = (await listRuns()).find((r) => !before.has(r.id))!;
    // error null: the worker finished the phase as cancelled itself, rather than dying of the
    // signal (which the supervisor would record as "cancelled by the user" or a failure).
    expect(run).toMatchObject({ status: 'cancelled', error: null });
  });
});
