// experiments.estimate against the real core and its real helper process: built-in data
// counted, real models built and timed, an image folder listed without being decoded, and
// bad specs refused naming the field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { methods, type ExperimentEstimate, type MethodArgs } from '@contract';
import { createAppContext, type AppContext } from '../../../main/services/app-context';
import { createHandlers, type Handlers } from '../../../main/services/handlers';
import { dispatch } from '../../../main/services/dispatch';
import { tinySpec } from '../training/tiny-specs';
import { buildModel, saveModel } from '../../../main/engine/model';

let dir: string;
let app: AppContext;
let handlers: Handlers;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-estimate-'));
  process.env.TRANSFER_LAB_HOME = dir;
  app = createAppContext({ databaseFile: path.join(dir, 'db.sqlite') });
  handlers = createHandlers(app, 'cli');
});

afterAll(async () => {
  await app.close();
  delete process.env.TRANSFER_LAB_HOME;
  fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
});

async function estimate(spec: unknown) {
  return dispatch(handlers, 'experiments.estimate', { spec } as MethodArgs<'experiments.estimate'>);
}

async function estimated(spec: unknown): Promise<ExperimentEstimate> {
  const answer = await estimate(spec);
  if ('error' in answer) throw new Error(answer.error.message);
  const parsed = methods['experiments.estimate'].result.safeParse(answer.result);
  if (!parsed.success) throw new Error(`answered outside its schema: ${parsed.error.message}`);
  return parsed.data;
}

/** A transfer of small-cnn on shapes with everything but the new head frozen. */
function frozenPrefixSpec(baseline: boolean) {
  const spec = tinySpec({ baseline, perClass: 30 });
  return {
    ...spec,
    trainingThreads: 1,
    source: { ...spec.source, model: { architecture: 'small-cnn' } },
    target: { ...spec.target!, freeze: 'all-but-head', training: { epochs: 4, batchSize: 8, validationSplit: 0.25 } },
  };
}

describe('experiments.estimate', () => {
  it('prices each phase of a small real spec, and the baseline only when it is on', async () => {
    const without = await estimated(tinySpec({ baseline: false }));
    for (const phase of [without.source!, without.target!]) {
      expect(phase.trainMs).toBeGreaterThan(0);
      expect(phase.evaluateMs).toBeGreaterThan(0);
      expect(phase.totalMs).toBeCloseTo((phase.featuresMs ?? 0) + phase.trainMs + phase.evaluateMs, 6);
    }
    expect(without.baseline).toBeUndefined();
    // Counted as training splits them: shapes has 6 classes, 20 each kept; a fifth held out
    // for test (from the full set), then a fifth of the 120 for validation.
    expect(without.source!.samples).toEqual({ train: 96, validation: 24, test: expect.any(Number) });
    expect(without.source!.samples.test).toBeGreaterThan(0);
    // Target: 2 classes, 12 each, a quarter for validation; seed-cnn frozen through pool1 caches features.
    expect(without.target!.samples).toEqual({ train: 18, validation: 6, test: expect.any(Number) });
    expect(without.target!.featuresCached).toBe(true);
    expect(without.target!.featuresMs).toBeGreaterThan(0);
    expect(without.threads).toBeGreaterThanOrEqual(1);
    expect(without.basis).toMatch(/forward pass timed here/);

    const withBaseline = await estimated(tinySpec({ baseline: true }));
    expect(withBaseline.baseline!.trainMs).toBeGreaterThan(0);
    expect(withBaseline.baseline!.samples).toEqual(withBaseline.target!.samples);
    expect(withBaseline.baseline!.featuresCached).toBe(false);
    expect(withBaseline.totalMs).toBeCloseTo(withBaseline.source!.totalMs + withBaseline.target!.totalMs + withBaseline.baseline!.totalMs, 6);
  }, 120_000);

  it('the from-scratch baseline of a frozen-prefix transfer costs several times its training', async () => {
    const e = await estimated(frozenPrefixSpec(true));
    expect(e.threads).toBe(1);
    expect(e.target!.featuresCached).toBe(true);
    // Only the head trains in the transfer run; the baseline runs every layer, three passes a
    // step. On these tiny images a predict call's fixed cost weighs on the head's timing, and
    // the machine may be busy (the suite runs in parallel): twice is the margin that holds.
    expect(e.baseline!.trainMs).toBeGreaterThan(2 * e.target!.trainMs);
    const off = await estimated(frozenPrefixSpec(false));
    expect(off.baseline).toBeUndefined();
  }, 120_000);

  it('lists an image folder to count it, without decoding it into the image cache', async () => {
    const folder = path.join(dir, 'pictures');
    for (const [name, colour] of [['red', '#ff0000'], ['blue', '#0000ff']] as const) {
      fs.mkdirSync(path.join(folder, name), { recursive: true });
      for (let i = 0; i < 5; i++) {
        await sharp({ create: { width: 20, height: 20, channels: 3, background: colour } }).png().toFile(path.join(folder, name, `${i}.png`));
      }
    }
    const e = await estimated({
      name: 'folder estimate',
      backend: 'wasm',
      source: { dataset: { kind: 'folder', path: folder, testSplit: 0.2 }, model: { architecture: 'seed-cnn' }, training: { epochs: 2, validationSplit: 0 } },
    });
    expect(e.source!.samples).toEqual({ train: 8, validation: 0, test: 2 });
    // Decoded at the images' own size, as training would.
    expect(e.source!.inputShape).toEqual([20, 20, 3]);
    expect(e.target).toBeUndefined();

    // An imported model fixes the input size the images are decoded at.
    const modelDir = path.join(dir, 'imported-model');
    const imported = buildModel('seed-cnn', [24, 24, 3], 2, 1);
    await saveModel(imported, modelDir);
    imported.dispose();
    const fromImport = await estimated({
      name: 'imported',
      backend: 'wasm',
      source: { dataset: { kind: 'folder', path: folder, testSplit: 0.2 }, model: { import: modelDir }, training: { epochs: 1, validationSplit: 0 } },
    });
    expect(fromImport.source!.inputShape).toEqual([24, 24, 3]);
    expect(fromImport.source!.samples.train).toBe(8);
    expect(fs.existsSync(path.join(dir, 'image-cache')) ? fs.readdirSync(path.join(dir, 'image-cache')) : []).toEqual([]);
  }, 60_000);

  it("estimates fine-tuning a reused source run's model at that model's input size, with no source phase", async () => {
    const source = { ...tinySpec(), target: undefined, source: { ...tinySpec().source, dataset: { kind: 'builtin', name: 'shapes', limitPerClass: 8, imageSize: [24, 24] } } };
    const started = await dispatch(handlers, 'experiments.start', { spec: source } as MethodArgs<'experiments.start'>);
    if ('error' in started) throw new Error(started.error.message);
    const { experimentId, runs } = started.result as { experimentId: string; runs: { id: string }[] };
    await app.supervisor.get(experimentId)?.done;
    const e = await estimated({ ...tinySpec({ baseline: true }), source: { run: runs[0].id } });
    expect(e.source).toBeUndefined();
    // The target's shapes are drawn at 32 × 32 but the source model takes 24 × 24.
    expect(e.target!.inputShape).toEqual([24, 24, 3]);
    expect(e.baseline!.inputShape).toEqual([24, 24, 3]);
    expect(e.totalMs).toBeCloseTo(e.target!.totalMs + e.baseline!.totalMs, 6);
  }, 120_000);

  it('refuses a bad spec naming the field, and an unknown source run naming source.run', async () => {
    const spec = tinySpec();
    const bad = await estimate({ ...spec, target: { ...spec.target!, training: { epochs: 'many' } } });
    expect(bad).toMatchObject({ error: { code: 'invalid-spec', issues: [{ path: 'target.training.epochs' }] } });
    expect('error' in bad && bad.error.message).toMatch(/target\.training\.epochs: .*expected number/);

    const unknownRun = await estimate({ ...spec, source: { run: 'zzzzzzzz' } });
    expect(unknownRun).toMatchObject({ error: { code: 'bad-request', message: expect.stringMatching(/^source\.run: /) } });

    const badFreeze = await estimate({ ...spec, target: { ...spec.target!, freeze: { through: 'no-such-layer' } } });
    expect(badFreeze).toMatchObject({ error: { code: 'model', message: expect.stringContaining('no-such-layer') } });
  }, 60_000);
});
