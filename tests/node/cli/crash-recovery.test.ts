// Killing the CLI mid-epoch, with real processes: the worker must not outlive it, the run must
// read as interrupted on the next command, and resume must finish it with every epoch recorded
// exactly once across the two runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { CLI_BIN, runCli } from './run-cli';

const bin = CLI_BIN;
let dir: string;

const cli = (args: string[]) => runCli(dir, args);

/** Alive and not a zombie waiting for a parent that will never reap it (pid 1 in a container may not). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  if (process.platform !== 'linux') return true;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function waitFor<T>(what: string, probe: () => T | undefined | null | false, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-crash-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const EPOCHS = 6;

describe('SIGKILL of the CLI mid-epoch', () => {
  it('ends the worker within 5 s, marks the run interrupted, and resume completes it with every epoch once', async () => {
    const spec = path.join(dir, 'long.json');
    fs.writeFileSync(spec, JSON.stringify({
      name: 'killed mid-epoch',
      seed: 5,
      backend: 'wasm',
      source: {
        dataset: { kind: 'builtin', name: 'shapes', limitPerClass: 200 },
        model: { architecture: 'seed-cnn' },
        training: { epochs: EPOCHS, batchSize: 8, validationSplit: 0 },
      },
    }));
    // setsid-like: the CLI alone is killed, as `kill -KILL <pid>` would.
    const child = spawn(process.execPath, [bin, 'run', spec], { env: { ...process.env, TRANSFER_LAB_HOME: dir }, detached: process.platform !== 'win32', stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (/source epoch 2:/.test(stderr)) resolve();
      });
      child.on('exit', () => reject(new Error(`the CLI ended early: ${stderr}`)));
    });
    // The worker as the database knows it: the run's worker_pid, recorded when training started.
    const db = new BetterSqlite3(path.join(dir, 'transfer-lab.sqlite'), { readonly: true });
    const row = db.prepare(`SELECT id, owner_pid AS ownerPid, worker_pid AS workerPid FROM runs`).get() as { id: string; ownerPid: number; workerPid: number };
    db.close();
    expect(row.ownerPid).toBe(child.pid);
    expect(row.workerPid).not.toBe(child.pid);
    expect(isRunning(row.workerPid)).toBe(true);

    await new Promise((r) => setTimeout(r, 300)); // mid-epoch 3
    const killedAt = Date.now();
    process.kill(child.pid!, 'SIGKILL');
    await waitFor('the worker to end', () => !isRunning(row.workerPid), 5000);
    expect(Date.now() - killedAt).toBeLessThan(5000);

    const runs = JSON.parse((await cli(['runs', '--json'])).stdout);
    expect(runs.rows).toHaveLength(1);
    expect(runs.rows[0]).toMatchObject({ id: row.id, status: 'interrupted' });
    expect(runs.rows[0].error).toMatch(new RegExp(`pid ${child.pid}`));

    const resumed = await cli(['resume', row.id, '--json']);
    expect(resumed.stderr).not.toMatch(/\n\s+at /);
    expect(resumed.code).toBe(0);
    const report = JSON.parse(resumed.stdout);
    expect(report.status).toBe('completed');

    // Every epoch once, across the interrupted run and its resumption.
    const first = JSON.parse((await cli(['show', row.id, '--json'])).stdout).report.epochs.map((e: { epoch: number }) => e.epoch);
    const second = report.epochs.map((e: { epoch: number }) => e.epoch);
    expect(first.length).toBeGreaterThanOrEqual(2);
    expect([...first, ...second]).toEqual(Array.from({ length: EPOCHS }, (_, i) => i + 1));
  }, 120_000);
});
