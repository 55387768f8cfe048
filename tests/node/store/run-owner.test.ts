// Who owns a running run, with real processes: the owner is identified by pid and start time
// (a live process that reused the pid is not the owner), and a training worker that outlived
// its dead owner is stopped on the next open, but only after its command line shows it is one.
import BetterSqlite3 from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createStore, migrate, migrations, ownIdentity, processStartTime, isSameProcessAlive } from '../../../main/store';
import { removeTempFolders, tempFolder } from './temp-folder';

const started: ChildProcess[] = [];
afterAll(() => {
  for (const child of started) if (child.exitCode === null) child.kill('SIGKILL');
  removeTempFolders();
});

function sleeper(scriptFile?: string): Promise<ChildProcess> {
  const child = scriptFile
    ? spawn(process.execPath, [scriptFile], { stdio: 'ignore' })
    : spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  started.push(child);
  return new Promise((resolve) => child.once('spawn', () => resolve(child)));
}

function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

describe('migration 0002: run owner identity', () => {
  it('adds owner_started_at, worker_pid and worker_started_at to runs, keeping existing rows', () => {
    const db = new BetterSqlite3(path.join(tempFolder(), 'v1.sqlite'));
    migrate(db, migrations.slice(0, 1));
    db.prepare(`INSERT INTO experiments (id, name, spec_json, created_at) VALUES ('e', 'old', '{}', 1)`).run();
    db.prepare(`INSERT INTO runs (id, experiment_id, role, status, created_at, owner_pid) VALUES ('r', 'e', 'source', 'queued', 1, 77)`).run();
    expect(migrate(db, migrations.slice(0, 2))).toEqual([2]);
    const columns = (db.pragma('table_info(runs)') as { name: string }[]).map((c) => c.name);
    expect(columns.slice(-3)).toEqual(['owner_started_at', 'worker_pid', 'worker_started_at']);
    expect(db.prepare('SELECT owner_pid, owner_started_at, worker_pid FROM runs').get()).toEqual({ owner_pid: 77, owner_started_at: null, worker_pid: null });
    db.close();
  });
});

describe('process identity', () => {
  it('reads start times that tell a process from a newcomer with the same pid', async () => {
    const child = await sleeper();
    const start = processStartTime(child.pid!);
    expect(start).not.toBeNull();
    expect(Math.abs(start! - Date.now())).toBeLessThan(10_000);
    expect(isSameProcessAlive({ pid: child.pid!, startedAt: start })).toBe(true);
    // The same pid recorded an hour earlier: that process is gone, whoever holds the pid now.
    expect(isSameProcessAlive({ pid: child.pid!, startedAt: start! - 3_600_000 })).toBe(false);
    expect(ownIdentity().startedAt).not.toBeNull();
    child.kill('SIGKILL');
    await exited(child, 5000);
    expect(isSameProcessAlive({ pid: child.pid!, startedAt: start })).toBe(false);
  });
});

describe('recovery on open', () => {
  it('interrupts a running run whose owner pid now belongs to another process (pid reuse)', async () => {
    const dbFile = path.join(tempFolder(), 'reuse.sqlite');
    const other = await sleeper();
    const store = createStore(dbFile);
    const experiment = store.experiments.create({ name: 'reuse', spec: {} });
    const run = store.runs.setStatus(store.runs.create({ experimentId: experiment.id, role: 'source' }).id, 'running');
    // As if the owner had died and `other` had been given its pid: same pid, another start time.
    store.db.prepare('UPDATE runs SET owner_pid = ?, owner_started_at = ? WHERE id = ?').run(other.pid, processStartTime(other.pid!)! - 86_400_000, run.id);
    const mine = store.runs.setStatus(store.runs.create({ experimentId: experiment.id, role: 'source' }).id, 'running');
    store.close();

    const reopened = createStore(dbFile);
    expect(reopened.runs.require(run.id).status).toBe('interrupted');
    expect(reopened.runs.require(mine.id).status).toBe('running');
    reopened.close();
    expect(other.exitCode).toBeNull();
  });

  it('stops a surviving worker of an interrupted run, and leaves a process that is not a worker alone', async () => {
    const folder = tempFolder();
    const workerScript = path.join(folder, 'worker.js');
    fs.writeFileSync(workerScript, 'setInterval(() => {}, 1000);');
    const survivor = await sleeper(workerScript);
    const stranger = await sleeper();
    const deadOwner = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, ['-e', '']);
      child.on('exit', () => resolve(child.pid!));
    });

    const dbFile = path.join(folder, 'survivor.sqlite');
    const store = createStore(dbFile);
    const experiment = store.experiments.create({ name: 'survivor', spec: {} });
    const runWith = (worker: ChildProcess) => {
      const run = store.runs.setStatus(store.runs.create({ experimentId: experiment.id, role: 'source', ownerPid: deadOwner }).id, 'running');
      store.db.prepare('UPDATE runs SET worker_pid = ?, worker_started_at = ? WHERE id = ?').run(worker.pid, processStartTime(worker.pid!), run.id);
      return run;
    };
    const a = runWith(survivor);
    const b = runWith(stranger);
    store.close();

    const reopened = createStore(dbFile);
    expect(reopened.runs.require(a.id).status).toBe('interrupted');
    expect(reopened.runs.require(b.id).status).toBe('interrupted');
    reopened.close();
    expect(await exited(survivor, 5000)).toBe(true);
    // Windows reports a process ended by another one without a signal.
    if (process.platform !== 'win32') expect(survivor.signalCode).toBe('SIGKILL');
    expect(await exited(stranger, 300)).toBe(false);
  });
});
