// Checkpoints, "train more" and "resume" end to end: the experiment service, a real SQLite
// file and forked worker processes training tiny built-in data.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAppContext, type AppContext } from '../../../main/services/app-context';
import { readCheckpointInfo } from '../../../main/engine/training/checkpoints';
import type { SupervisorEvent } from '../../../main/training/supervisor';
import { tinySpec, longSourceSpec } from '../training/tiny-specs';

let dir: string;
let app: AppContext | undefined;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-continue-'));
  app = createAppContext({ databaseFile: path.join(dir, 'db.sqlite') });
});

afterEach(async () => {
  await app?.close();
  app = undefined;
  fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
});

function epochsOf(app: AppContext, experimentId: string, runId: string): number[] {
  return app.experiments.report(experimentId).runs.find((r) => r.id === runId)!.epochs.map((e) => e.epoch);
}

describe('checkpoints, train more and resume', () => {
  it('keeps checkpoints of every run, notes the feature cache, and trains a completed run more as a linked run', async () => {
    const a = app!;
    const started = a.experiments.start(tinySpec({ targetEpochs: 2 }));
    expect((await started.done).status).toBe('completed');
    const target = a.store.runs.require(started.runs.find((r) => r.role === 'target')!.id);
    expect(target.environment?.notes).toContain('frozen-feature cache: conv1..pool1 computed once per split (18 train, 6 val)');
    const checkpoints = a.store.artifacts.list(target.id, 'checkpoint').map((c) => path.relative(target.runDir!, c.path)).sort();
    expect(checkpoints).toEqual([path.join('checkpoints', 'best'), path.join('checkpoints', 'last')]);
    expect((await readCheckpointInfo(path.join(target.runDir!, 'checkpoints', 'last')))?.epoch).toBe(2);

    const more = await a.experiments.trainMore(target.id.slice(0, 12), 2);
    expect(more.experimentId).toBe(started.experimentId);
    expect((await more.done).status).toBe('completed');
    const child = a.store.runs.require(more.runs[0].id);
    expect(child.role).toBe('target');
    expect(child.parentRunId).toBe(target.id);
    expect(child.status).toBe('completed');
    expect(child.frozenLayers).toEqual(['conv1', 'pool1']);
    expect(epochsOf(a, started.experimentId, child.id)).toEqual([3, 4]);
    expect((child.environment?.notes as string[] | undefined)?.some((n: string) => n.startsWith(`continued (train more) from run ${target.id} after epoch 2`))).toBe(true);
    expect(a.store.artifacts.list(child.id, 'model')).toHaveLength(1);
    expect((await readCheckpointInfo(path.join(child.runDir!, 'checkpoints', 'last')))?.epoch).toBe(4);

    await expect(a.experiments.resume(target.id)).rejects.toThrow(/is completed; only an interrupted, failed or cancelled run can be resumed/);
    await expect(a.experiments.trainMore(target.id, 0)).rejects.toThrow(/epochs: expected a whole number/);

    // Augmentation on the target turns the cache off, and the run says so.
    const augmented = a.experiments.start({
      ...tinySpec(),
      source: { run: started.runs.find((r) => r.role === 'source')!.id },
      target: { ...tinySpec().target!, training: { epochs: 1, batchSize: 8, augmentation: { flip: true, shift: 0.1 } } },
    });
    expect((await augmented.done).status).toBe('completed');
    const notes = a.store.runs.require(augmented.runs[0].id).environment?.notes as string[];
    expect(notes).toContain('augmentation on: frozen-feature cache off');
    expect(notes).toContain('augmentation: horizontal flip, shift ≤10%');
  });

  it('resumes a cancelled run from its last checkpoint up to the epochs it had planned', async () => {
    const a = app!;
    const started = a.experiments.start(longSourceSpec(6));
    const runId = started.runs[0].id;
    await new Promise<void>((resolve) => {
      const off = a.supervisor.subscribe((e: SupervisorEvent) => {
        if (e.type === 'run-epoch' && e.metrics.epoch >= 2) {
          off();
          a.experiments.cancel(started.experimentId);
          resolve();
        }
      });
    });
    expect((await started.done).status).toBe('cancelled');
    const done = epochsOf(a, started.experimentId, runId);
    const saved = (await readCheckpointInfo(path.join(a.store.runs.require(runId).runDir!, 'checkpoints', 'last')))!;
    expect(saved.epoch).toBe(done[done.length - 1]);
    expect(saved.epoch).toBeLessThan(6);
    await expect(a.experiments.trainMore(runId, 1)).rejects.toThrow(/is cancelled; train more continues a completed run/);

    const resumed = await a.experiments.resume(runId);
    expect((await resumed.done).status).toBe('completed');
    const child = a.store.runs.require(resumed.runs[0].id);
    expect(child.role).toBe('source');
    expect(child.parentRunId).toBe(runId);
    expect(a.store.runs.require(runId).status).toBe('cancelled');
    const expected = Array.from({ length: 6 - saved.epoch }, (_, i) => saved.epoch + 1 + i);
    expect(epochsOf(a, started.experimentId, child.id)).toEqual(expected);
    expect(child.testAccuracy).not.toBeNull();
  });
});

describe('resume when the checkpoint and the recorded history disagree', () => {
  /** A finished source run made to look interrupted with its history ending at `lastRecorded`. */
  async function interruptedRun(a: AppContext, lastRecorded: number): Promise<{ experimentId: string; runId: string }> {
    const started = a.experiments.start(longSourceSpec(3));
    expect((await started.done).status).toBe('completed');
    const runId = started.runs[0].id;
    // As after a crash between writing epoch 3's checkpoint and recording epoch 3.
    a.store.db.prepare(`UPDATE runs SET status = 'interrupted' WHERE id = ?`).run(runId);
    a.store.db.prepare('DELETE FROM metrics WHERE run_id = ? AND epoch > ?').run(runId, lastRecorded);
    return { experimentId: started.experimentId, runId };
  }

  it('records the one epoch the checkpoint is ahead from the checkpoint, and trains no epoch twice', async () => {
    const a = app!;
    const { experimentId, runId } = await interruptedRun(a, 2);
    expect(epochsOf(a, experimentId, runId)).toEqual([1, 2]);
    // What a crash mid-write leaves beside the checkpoints; resume tidies it away.
    const checkpoints = path.join(a.store.runs.require(runId).runDir!, 'checkpoints');
    fs.cpSync(path.join(checkpoints, 'last'), path.join(checkpoints, 'last.previous'), { recursive: true });
    fs.mkdirSync(path.join(checkpoints, `.last.${process.pid}.1700000000000.tmp`));
    const resumed = await a.experiments.resume(runId);
    expect(fs.readdirSync(checkpoints).sort()).toEqual(['best', 'last']);
    expect((await resumed.done).status).toBe('completed');
    expect(epochsOf(a, experimentId, runId)).toEqual([1, 2, 3]);
    expect(epochsOf(a, experimentId, resumed.runs[0].id)).toEqual([]);
    const info = await readCheckpointInfo(path.join(a.store.runs.require(runId).runDir!, 'checkpoints', 'last'));
    const loss = a.experiments.report(experimentId).runs.find((r) => r.id === runId)!.epochs[2].loss;
    expect(loss).toBeCloseTo(info!.metrics.loss, 6);
  });

  it('refuses to resume when epochs were trained that the history never recorded', async () => {
    const a = app!;
    const { runId } = await interruptedRun(a, 1);
    await expect(a.experiments.resume(runId)).rejects.toThrow(/checkpoint is at epoch 3 but its recorded history ends at epoch 1: epoch 2 was trained without being recorded/);
  });
});
