// Real processes against a real database file: a writer killed with SIGKILL mid-write
// leaves a sound database holding every batch it reported, and its run is marked
// 'interrupted'; a reader in another process sees whole batches only while a writer writes.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../../../main/store';
import { bundleWriter, startWriter } from './child-writer';
import { removeTempFolders, tempFolder } from './temp-folder';

const BATCH = 250;
let writerScript: string;

beforeAll(async () => {
  writerScript = await bundleWriter(tempFolder('transfer-lab-writer-'));
});
afterAll(removeTempFolders);

describe('a writer process killed with SIGKILL', () => {
  it('leaves an intact database with every reported batch, and the run interrupted', async () => {
    const dbFile = path.join(tempFolder(), 'crash.sqlite');
    const writer = await startWriter(writerScript, dbFile, BATCH, 0);
    await writer.waitForCommitted(BATCH * 40);
    writer.child.kill('SIGKILL');
    const { signal } = await writer.exited;
    expect(signal).toBe('SIGKILL');
    const reported = writer.committed();

    const store = createStore(dbFile);
    try {
      expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
      const { count, distinctSteps, maxStep } = store.db
        .prepare('SELECT count(*) AS count, count(DISTINCT step) AS distinctSteps, max(step) AS maxStep FROM metrics WHERE run_id = ?')
        .get(writer.runId) as { count: number; distinctSteps: number; maxStep: number };
      // Every row reported as committed survived; at most the batches after the last report are extra.
      expect(count).toBeGreaterThanOrEqual(reported);
      // Batches are atomic: no partial batch, and steps 0..count-1 are all there exactly once.
      expect(count % BATCH).toBe(0);
      expect(distinctSteps).toBe(count);
      expect(maxStep).toBe(count - 1);

      const run = store.runs.require(writer.runId);
      expect(run.status).toBe('interrupted');
      expect(run.endedAt).toBeGreaterThanOrEqual(run.startedAt!);
      expect(run.error).toContain(`pid ${writer.child.pid}`);
    } finally {
      store.close();
    }
  });
});

describe('a reader while another process writes', () => {
  it('sees only whole batches, and does not interrupt a run whose owner is alive', async () => {
    const dbFile = path.join(tempFolder(), 'concurrent.sqlite');
    const writer = await startWriter(writerScript, dbFile, BATCH, 0);
    try {
      await writer.waitForCommitted(BATCH * 4);
      const reader = createStore(dbFile);
      try {
        expect(reader.runs.require(writer.runId).status).toBe('running');
        const snapshot = reader.db.prepare('SELECT count(*) AS count, max(step) AS maxStep, total(value) AS sum FROM metrics WHERE run_id = ?');
        const seen = new Set<number>();
        // Stops after 20 distinct snapshots; the long deadline only matters on a loaded machine.
        const until = Date.now() + 5000;
        while (Date.now() < until && seen.size < 20) {
          const { count, maxStep, sum } = snapshot.get(writer.runId) as { count: number; maxStep: number; sum: number };
          expect(count % BATCH).toBe(0);
          expect(maxStep).toBe(count - 1);
          // value = step, so a consistent snapshot sums to 0 + 1 + … + (count − 1).
          expect(sum).toBe((count * (count - 1)) / 2);
          seen.add(count);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        // The reads really overlapped the writes: the reader watched the count grow.
        expect(seen.size).toBeGreaterThan(3);
      } finally {
        reader.close();
      }
    } finally {
      writer.child.kill('SIGKILL');
      await writer.exited;
    }
  });

  it('lets a writer finish normally: the run completes and all rows are stored', async () => {
    const dbFile = path.join(tempFolder(), 'complete.sqlite');
    const writer = await startWriter(writerScript, dbFile, BATCH, 8);
    const { code } = await writer.exited;
    expect(code).toBe(0);
    const store = createStore(dbFile);
    try {
      expect(store.runs.require(writer.runId).status).toBe('completed');
      expect(store.metrics.count(writer.runId)).toBe(BATCH * 8);
    } finally {
      store.close();
    }
  });
});

describe('orphan recovery on open', () => {
  it('interrupts queued and running runs whose owner is gone, and leaves the rest', async () => {
    const deadPid = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, ['-e', '']);
      child.on('exit', () => resolve(child.pid!));
    });
    const dbFile = path.join(tempFolder(), 'orphans.sqlite');
    const store = createStore(dbFile);
    const experiment = store.experiments.create({ name: 'orphans', spec: {} });
    const make = (ownerPid: number | null) => store.runs.create({ experimentId: experiment.id, role: 'source', ownerPid });
    const queuedDead = make(deadPid);
    const runningDead = store.runs.setStatus(make(deadPid).id, 'running');
    const runningNoOwner = store.runs.setStatus(make(null).id, 'running');
    const runningMine = store.runs.setStatus(make(process.pid).id, 'running');
    const completedDead = store.runs.setStatus(store.runs.setStatus(make(deadPid).id, 'running').id, 'completed');
    store.close();

    const reopened = createStore(dbFile);
    try {
      const status = (id: string) => reopened.runs.require(id).status;
      expect(status(queuedDead.id)).toBe('interrupted');
      expect(status(runningDead.id)).toBe('interrupted');
      expect(status(runningNoOwner.id)).toBe('interrupted');
      expect(status(runningMine.id)).toBe('running');
      expect(reopened.runs.require(completedDead.id)).toEqual(completedDead);
      expect(reopened.runs.require(queuedDead.id).endedAt).not.toBeNull();
    } finally {
      reopened.close();
    }
    // recoverOrphans: false leaves everything as it was.
    const untouched = createStore(dbFile, { recoverOrphans: false });
    try {
      expect(untouched.runs.require(runningMine.id).status).toBe('running');
    } finally {
      untouched.close();
    }
  });
});
