// Studies through dispatch(), as the UI calls them, with real worker processes and a real
// database: the planner's schedule, cancel stopping every running experiment promptly, and the
// honesty check — a transfer that carries nothing over reports "within noise", never "helps".
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAppContext, type AppContext } from '../../../../main/services/app-context';
import { createHandlers } from '../../../../main/services/handlers';
import { dispatch } from '../../../../main/services/dispatch';
import { planSchedule } from '../../../../main/services/studies/study-scheduler';
import type { StudyReport } from '@contract';
import { tinySpec } from '../../training/tiny-specs';

const folders: string[] = [];
const contexts: AppContext[] = [];
afterAll(async () => {
  for (const app of contexts) await app.close();
  for (const dir of folders) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
});

function app(cores = 2): AppContext {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-study-service-'));
  folders.push(dir);
  const ctx = createAppContext({ databaseFile: path.join(dir, 'db.sqlite'), cores });
  contexts.push(ctx);
  return ctx;
}

async function call(ctx: AppContext, method: string, args: unknown): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const response = await dispatch(createHandlers(ctx, 'browser'), method, args);
  if ('error' in response) throw new Error(`${method}: ${response.error.message}`);
  return response.result;
}

function finished(ctx: AppContext, studyId: string): Promise<string> {
  return new Promise((resolve) => {
    const off = ctx.studies.subscribe((e) => {
      if (e.name === 'study-finished' && e.payload.studyId === studyId) {
        off();
        resolve(e.payload.status);
      }
    });
  });
}

describe('the planner', () => {
  it('never gives concurrency × threads more than the cores', () => {
    for (const cores of [1, 2, 3, 8, 16, 64]) {
      for (const jobs of [1, 2, 5, 100]) {
        for (const requested of [undefined, 1, 3, 1000]) {
          const s = planSchedule(cores, jobs, requested);
          expect(s.concurrency * s.trainingThreads, `${cores} cores, ${jobs} jobs, ${requested}`).toBeLessThanOrEqual(cores);
          expect(s.concurrency).toBeGreaterThanOrEqual(1);
          expect(s.concurrency).toBeLessThanOrEqual(Math.max(1, jobs));
        }
      }
    }
    expect(planSchedule(16, 9)).toEqual({ concurrency: 9, trainingThreads: 1 });
    expect(planSchedule(16, 9, 2)).toEqual({ concurrency: 2, trainingThreads: 8 });
    expect(planSchedule(8, 2)).toEqual({ concurrency: 2, trainingThreads: 4 });
  });
});

describe('studies through dispatch()', () => {
  it('cancel stops every running experiment within seconds; what finished is kept', async () => {
    const ctx = app();
    const spec = { seeds: 2, freeze: ['none'], experiment: tinySpec({ sourceEpochs: 200 }) };
    const started = await call(ctx, 'studies.start', { spec });
    expect(started).toMatchObject({ total: 6, remaining: 6, concurrency: 2, trainingThreads: 1 });
    const done = finished(ctx, started.studyId);
    // Both sources train at once (the schedule's concurrency), nothing else can start yet.
    for (let i = 0; i < 200 && ctx.supervisor.running().length < 2; i++) await new Promise((r) => setTimeout(r, 50));
    expect(ctx.supervisor.running()).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 1500));
    const asked = Date.now();
    expect(await call(ctx, 'studies.cancel', { studyId: started.studyId })).toEqual({ cancelled: true });
    expect(await done).toBe('cancelled');
    expect(Date.now() - asked).toBeLessThan(10_000);
    expect(ctx.supervisor.running()).toEqual([]);
    const report: StudyReport = await call(ctx, 'studies.get', { studyId: started.studyId });
    expect(report.status).toBe('cancelled');
    expect(report.experiments.filter((e) => e.kind === 'source').map((e) => e.status)).toEqual(['cancelled', 'cancelled']);
    expect(report.experiments.filter((e) => e.kind !== 'source').map((e) => e.status)).toEqual(['pending', 'pending', 'pending', 'pending']);
    // The cancelled source runs are kept in the history.
    expect(ctx.store.runs.list({ status: 'cancelled' }).total).toBe(2);
    // A running study cannot be deleted; a cancelled one can, with its experiments.
    expect((await call(ctx, 'studies.list', {})).studies).toHaveLength(1);
    expect(await call(ctx, 'studies.delete', { studyId: started.studyId })).toEqual({ deleted: true });
    expect(ctx.store.runs.list({}).total).toBe(0);
  });

  it('honesty: a transfer that carries nothing over (source = target data, nothing frozen, head kept, source barely trained) is within noise', async () => {
    const ctx = app();
    const data = { kind: 'builtin', name: 'shapes', classes: ['circle', 'square', 'triangle'], limitPerClass: 10 };
    const spec = {
      seeds: 4,
      experiment: {
        name: 'no information', seed: 11, backend: 'wasm',
        // A learning rate of 1e-9 leaves the source at its random initialisation, which is the
        // baseline's too (same seed): each transfer run starts where its baseline starts.
        source: { dataset: data, model: { architecture: 'seed-cnn' }, training: { epochs: 1, batchSize: 16, learningRate: 1e-9, validationSplit: 0.2 } },
        target: { dataset: data, freeze: 'none', head: 'keep', training: { epochs: 2, batchSize: 8, validationSplit: 0.2 } },
      },
    };
    const started = await call(ctx, 'studies.start', { spec });
    expect(await finished(ctx, started.studyId)).toBe('completed');
    const report: StudyReport = await call(ctx, 'studies.get', { studyId: started.studyId });
    const [cell] = report.cells;
    expect(cell.seeds).toBe(4);
    expect(cell.gainInterval![0]).toBeLessThanOrEqual(0);
    expect(cell.gainInterval![1]).toBeGreaterThanOrEqual(0);
    expect(Math.abs(cell.meanGain!)).toBeLessThan(0.05);
    console.log('honesty study gains per seed:', cell.pairs.map((p) => p.gain), 'interval', cell.gainInterval);
    expect(cell.verdict).toBe('within-noise');
    expect(report.recommendation).toEqual({ cellKey: null, text: 'no setting reliably beats training from scratch' });
  });
});
